import { lazy, StrictMode, Suspense, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { getCurrentUser, loadUser, signInWithGooglePopup } from './lib/auth-api.ts';
import { createTokenStorage, type TokenStorage } from './lib/token-storage.ts';
import { createAuthFetch, installAuthFetch, type AuthFetchClient } from './lib/auth-fetch.ts';
import { apiOrigin, mocksEnabled } from './lib/app-config.ts';
import { followResumedSignIn } from './lib/resumed-sign-in.ts';
import { createPopupHints, createTabSync, resumeSignIn } from './lib/session/index.ts';
import { GoogleCallback } from './pages/GoogleCallback.tsx';
import './styles.css';

// The one place that wires the app: mock backend (mock mode only), token storage, the session and its authFetch, React.
/** The dev panel, loaded on demand: only development and mock builds ever ask for it. */
const lazyDevPanel = () => lazy(async () => ({ default: (await import('./components/DevPanel.tsx')).DevPanel }));

async function main(root: HTMLElement) {
  const reactRoot = createRoot(root);
  const render = (node: ReactNode) => reactRoot.render(<StrictMode>{node}</StrictMode>);

  let devPanel: ((session: AuthFetchClient, tokens: TokenStorage) => ReactNode) | null = null;
  // Written out (not mocksEnabled()) so that Vite folds it to `false` in production and drops msw and the mock UI.
  if (!import.meta.env.VITE_API_BASE_URL && (import.meta.env.DEV || import.meta.env.MODE === 'mock')) {
    // Before anything renders or fetches, in every page, popup included.
    const { startMockWorker } = await import('./mocks/browser.ts');
    const { store } = await startMockWorker();
    if (location.pathname === '/auth/google/consent') {
      const { GoogleConsentPage } = await import('./mocks/GoogleConsentPage.tsx');
      return render(<GoogleConsentPage />);
    }
    const DevPanel = lazyDevPanel();
    devPanel = (session, tokens) => (
      <Suspense fallback={null}>
        <DevPanel session={session} tokens={tokens} mock={store} />
      </Suspense>
    );
  } else if (import.meta.env.DEV) {
    // Against a real backend (npm run stack): the session's own controls, no mock knobs.
    const DevPanel = lazyDevPanel();
    devPanel = (session, tokens) => (
      <Suspense fallback={null}>
        <DevPanel session={session} tokens={tokens} />
      </Suspense>
    );
  }
  if (location.pathname === '/auth/google/callback') return render(<GoogleCallback />);

  const tokens = createTokenStorage();
  // The re-auth popup's closed hint, for the banner (the chart stays in reauthenticating meanwhile); a resumed sign-in's too.
  const popupHints = createPopupHints();
  // Every tab shares one session: one validation for a burst of 401s, one popup at a time, tokens adopted.
  const tabs = createTabSync({
    validate: async ({ token, signal }) => (await getCurrentUser({ token, signal })) !== null,
    // Runs synchronously from the banner's click, so the popup opens during the gesture.
    reauthenticate: ({ signal }) => signInWithGooglePopup({ signal, onClosedHint: popupHints.report }),
  });
  const session = createAuthFetch({
    getToken: tokens.getToken,
    setToken: tokens.setToken,
    validate: tabs.validate,
    reauthenticate: tabs.reauthenticate,
    allowedOrigins: [apiOrigin()],
    // Check the token shortly before its exp, not a whole minute early: demo tokens live 60 s.
    expiryLeadMs: 5_000,
    // The demo's tokens live 60 s: "Stay signed in" 20 s before exp, not from the start; a real backend's get the default.
    ...(mocksEnabled() && { remindBeforeMs: 20_000 }),
  });
  tabs.connect(session);
  installAuthFetch(session);
  // The popup of a sign-in begun before this tab reloaded may still answer: its token is taken as after any sign-in.
  const givenUp = new AbortController();
  const resumed = resumeSignIn({ signal: givenUp.signal });
  if (resumed) void followResumedSignIn(resumed, givenUp, { tokens, tabs, popupHints, session });
  render(
    <App
      session={session}
      tokens={tokens}
      loadUser={loadUser}
      popupHints={popupHints}
      // "Not now" on the notice goes to every tab: one notice for all of them.
      dismissReminder={tabs.dismissReminder}
      devPanel={devPanel?.(session, tokens)}
    />,
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html must have <div id="root">.');
void main(root);
