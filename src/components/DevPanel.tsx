import { useSelector } from '@xstate/react';
import { useContext, useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { AuthContext } from '../contexts/AuthContext.tsx';
import type { AuthFetchClient } from '../lib/auth-fetch.ts';
import type { TokenStorage } from '../lib/token-storage.ts';
import { useHeightVariable } from '../hooks/use-height-variable.ts';
import { openStatelyInspector } from '../lib/open-inspector.ts';
import { selectHeldCount, selectStateLabel } from '../lib/session/index.ts';
import type { MockStore } from '../mocks/mock-store.ts';
import { switchMockNetwork, watchMockNetwork } from '../mocks/network-switch.ts';
import { watchStoredValue } from '../mocks/stored-value-watch.ts';

/** The mock backend's knobs the panel turns. */
export type MockControls = Pick<
  MockStore,
  'expireSessions' | 'tokenLifetimeSec' | 'setTokenLifetimeSec' | 'networkDown' | 'setNetworkDown'
>;

/** The part of the token storage the panel follows: a new token is a new session. */
export type PanelTokens = Pick<TokenStorage, 'getToken' | 'subscribe'>;

/**
 * The demo's control panel, mounted in development: watch the session's
 * state, copy its report, open the Stately Inspector; with the mock backend,
 * also expire the session, take the network down and back, set the token lifetime.
 *
 * @example
 * <DevPanel session={client} tokens={tokens} mock={store} />
 */
export function DevPanel({ session, tokens, mock }: { session: AuthFetchClient; tokens: PanelTokens; mock?: MockControls }) {
  // The session's notices float above the panel: its height (it wraps on narrow screens).
  const panel = useHeightVariable<HTMLElement>('--dev-panel-height');
  return (
    <aside className="dev-panel" aria-label={mock ? 'Mock backend' : 'Session'} ref={panel}>
      <details open>
        <summary>{mock ? 'Mock backend' : 'Session'}</summary>
        <span className="dev-panel__controls">
          {mock ? <MockBackendControls mock={mock} tokens={tokens} /> : null}
          <SessionControls session={session} />
        </span>
      </details>
    </aside>
  );
}

/** The shortest and longest token lifetimes the panel sets, in seconds (a day: past it, nothing expires in a demo). */
const shortestLifetimeSec = 5;
const longestLifetimeSec = 86_400;
/** Whether the panel stores `typed` as the lifetime: a number of seconds in its range (not '', not 1e999). */
const takenLifetime = (typed: string) => Number(typed) >= shortestLifetimeSec && Number(typed) <= longestLifetimeSec;

/** Turns the mock backend's knobs. */
function MockBackendControls({ mock, tokens }: { mock: MockControls; tokens: PanelTokens }) {
  const [lifetime, setLifetime] = useState(() => String(mock.tokenLifetimeSec()));
  // Not stored (too short, past a day, or emptied): said, with the lifetime the next sign-in still gets, or the field would seem taken.
  const refused = !takenLifetime(lifetime);
  const refusedId = useId();
  // Stored too, and the next sign-in of every tab gets it: another tab's setting replaces what this one shows.
  useEffect(
    () =>
      watchStoredValue(
        () => mock.tokenLifetimeSec(),
        (seconds) => setLifetime(String(seconds)),
      ).stop,
    [mock],
  );
  // Said for the token of the press: once another is stored (a sign-in, here or in another tab, or a sign-out), it is old news.
  const token = useSyncExternalStore(tokens.subscribe, tokens.getToken);
  const [expired, setExpired] = useState<{ at: string; token: string | null } | null>(null);
  // Stored like the rest of the mock's state, so another tab may have turned it: follow it.
  const [networkDown, setNetworkDown] = useState(() => mock.networkDown());
  useEffect(() => watchMockNetwork(mock, setNetworkDown), [mock]);

  return (
    <>
      <button
        type="button"
        onClick={() => {
          mock.expireSessions();
          setExpired({ at: new Date().toLocaleTimeString(), token });
        }}
      >
        Expire session
      </button>
      {expired?.token === token ? <span className="muted">Tokens issued before {expired.at} forgotten.</span> : null}
      <button
        type="button"
        onClick={() => {
          switchMockNetwork(mock, !networkDown);
          setNetworkDown(!networkDown);
        }}
      >
        {networkDown ? 'Back online' : 'Go offline'}
      </button>
      <label>
        Token lifetime (s){' '}
        <input
          type="number"
          min={shortestLifetimeSec}
          max={longestLifetimeSec}
          step={5}
          value={lifetime}
          aria-invalid={refused || undefined}
          aria-describedby={refused ? refusedId : undefined}
          onChange={(event) => {
            setLifetime(event.target.value);
            if (takenLifetime(event.target.value)) mock.setTokenLifetimeSec(Number(event.target.value));
          }}
        />{' '}
        {refused ? (
          <span id={refusedId} className="dev-panel__refused">
            From {shortestLifetimeSec} to {longestLifetimeSec} s: the next sign-in gets {mock.tokenLifetimeSec()} s.
          </span>
        ) : (
          <span className="muted">(next sign-in)</span>
        )}
      </label>
    </>
  );
}

/** Shows the session's state, copies its report, opens the inspector. */
function SessionControls({ session }: { session: AuthFetchClient }) {
  const state = useSelector(session.actor, selectStateLabel);
  const held = useSelector(session.actor, selectHeldCount);
  // The chart runs with no one signed in, and `active` alone reads as a live session (in the app, the panel is in the provider).
  const signedOut = useContext(AuthContext)?.signedIn === false;
  const [inspecting, setInspecting] = useState(false);
  // The open inspector's stop: it follows the chart until its window is closed, or the panel goes (loading, it opens none).
  const stopInspector = useRef<(() => void) | null>(null);
  const panelGone = useRef<AbortSignal | undefined>(undefined);
  useEffect(() => {
    const gone = new AbortController();
    panelGone.current = gone.signal;
    return () => {
      gone.abort();
      stopInspector.current?.();
    };
  }, []);
  // `count`: each press's answer is new, the same words again too.
  const [copied, setCopied] = useState<{ text: string; count: number } | null>(null);
  const said = (text: string) => setCopied((last) => ({ text, count: (last?.count ?? 0) + 1 }));
  return (
    <>
      {/* Not <output>s, which are live regions: a screen reader would read out each state, every probe while offline. */}
      <span>
        Session:{' '}
        <span className="dev-panel__value" data-testid="session-state">
          {state}
        </span>
        {signedOut ? ' (signed out)' : null} · held:{' '}
        <span className="dev-panel__value" data-testid="held-count">
          {held}
        </span>
      </span>
      {/* Open, it stays focusable (aria-disabled, a press ignored): a button turned `disabled` drops focus to the page. */}
      <button
        type="button"
        aria-disabled={inspecting || undefined}
        onClick={() => {
          if (inspecting) return;
          setInspecting(true);
          openStatelyInspector(session.actor, { onClosed: () => setInspecting(false), signal: panelGone.current }).then(
            (stop) => {
              stopInspector.current = stop;
            },
            // Not loaded (offline, say): the button offers it again.
            () => setInspecting(false),
          );
        }}
      >
        {inspecting ? 'Inspector open' : 'Open Stately Inspector'}
      </button>
      <button
        type="button"
        onClick={() => {
          // Readable JSON, with no token, URL, header or body in it: safe to paste into a bug report.
          // In the click (the clipboard wants the gesture); no navigator.clipboard (plain http on a LAN address) is a refusal too.
          const copying = new Promise<void>((resolve) => resolve(navigator.clipboard.writeText(JSON.stringify(session.report(), null, 2))));
          copying.then(
            () => said('Copied.'),
            () => said('The browser did not allow copying.'),
          );
        }}
      >
        Copy session report
      </button>
      {/* Mounted, empty until a press, and a new line at each: inserted with its text, or the same again, it is not read. */}
      <span role="status" className="muted dev-panel__copied">
        {copied ? <span key={copied.count}>{copied.text}</span> : null}
      </span>
    </>
  );
}
