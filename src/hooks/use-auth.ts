import { useContext } from 'react';
import { AuthContext, type AuthContextValue } from '../contexts/AuthContext.tsx';
import { DEV } from '../lib/dev.ts';

/**
 * The session as components see it: user, needsReauth, refreshSession, signOut.
 *
 * @example
 * const { user, signOut } = useAuth();
 */
export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  // A wiring mistake: production drops the prose (dev.ts).
  if (!value) throw new Error(DEV ? 'useAuth() was called outside <AuthProvider>; render the component inside it.' : 'useAuth');
  return value;
}
