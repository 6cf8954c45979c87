import { useContext } from 'react';
import { AuthContext, type AuthContextValue } from '../contexts/AuthContext.tsx';

/**
 * The session as components see it: user, needsReauth, refreshSession, signOut.
 *
 * @example
 * const { user, signOut } = useAuth();
 */
export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth() was called outside <AuthProvider>; render the component inside it.');
  return value;
}
