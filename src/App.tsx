import type { ReactNode } from 'react';
import { AppShell } from './components/AppShell.tsx';
import { ConnectionNotice } from './components/ConnectionNotice.tsx';
import { SessionExpiredBanner } from './components/SessionExpiredBanner.tsx';
import { SessionReminder } from './components/SessionReminder.tsx';
import { AuthProvider, type AuthProviderProps } from './contexts/AuthContext.tsx';
import { useHeightVariable } from './hooks/use-height-variable.ts';

/** The wiring main.tsx (or a test) hands the app, plus an optional dev panel. */
export interface AppProps extends Omit<AuthProviderProps, 'children'> {
  devPanel?: ReactNode;
}

/**
 * The jewelry studio: the session banner (expired), the notice before the
 * session ends or the connection notice (offline) above whatever page is open.
 *
 * @example
 * root.render(<App session={client} tokens={tokens} loadUser={loadUser} />);
 */
export function App({ devPanel, ...wiring }: AppProps) {
  // The notices cover the bottom of the page: its height, so that Tab scrolls what it reaches above them.
  const notices = useHeightVariable<HTMLDivElement>('--session-notices-height');
  return (
    <AuthProvider {...wiring}>
      {/* Over the page, not in its flow: nothing the user is looking at moves when one of them shows. */}
      <div className="session-notices" ref={notices}>
        <SessionExpiredBanner />
        <SessionReminder />
        <ConnectionNotice />
      </div>
      <AppShell />
      {devPanel}
    </AuthProvider>
  );
}
