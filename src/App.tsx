import { useEffect, useRef, type ReactNode } from 'react';
import { AppShell } from './components/AppShell.tsx';
import { ConnectionNotice } from './components/ConnectionNotice.tsx';
import { SessionExpiredBanner } from './components/SessionExpiredBanner.tsx';
import { SessionReminder } from './components/SessionReminder.tsx';
import { AuthProvider, type AuthProviderProps } from './contexts/AuthContext.tsx';

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
  // The notices cover the bottom of the page: tell it how tall they are, so that Tab scrolls what it reaches above them.
  const notices = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = document.documentElement;
    const observer = new ResizeObserver(([entry]) =>
      root.style.setProperty('--session-notices-height', `${entry!.target.getBoundingClientRect().height}px`),
    );
    observer.observe(notices.current!);
    return () => {
      observer.disconnect();
      root.style.removeProperty('--session-notices-height');
    };
  }, []);
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
