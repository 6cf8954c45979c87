import { useState } from 'react';
import { mockAccount } from './mock-data.ts';

/** Asks the mock "Google" for an authorization code. No app token is involved: this is Google's side. */
async function authorize(): Promise<string> {
  const response = await fetch('/mock-google/authorize', { method: 'POST' });
  if (!response.ok) throw new Error(`The mock Google answered ${response.status}.`);
  return ((await response.json()) as { code: string }).code;
}

/**
 * `/auth/google/consent`: the mock backend's stand-in for Google's account
 * chooser, shown in the sign-in popup. "Continue as …" gets a code and goes
 * to the app's callback page, as Google's redirect would.
 *
 * @example
 * if (location.pathname === '/auth/google/consent') root.render(<GoogleConsentPage />);
 */
export function GoogleConsentPage() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const state = new URLSearchParams(window.location.search).get('state') ?? '';

  const proceed = () => {
    setBusy(true);
    authorize().then(
      (code) => window.location.replace(`/auth/google/callback?${new URLSearchParams({ code, state })}`),
      (error: unknown) => {
        setBusy(false);
        setProblem(error instanceof Error ? error.message : String(error));
      },
    );
  };

  return (
    <main className="popup-page consent">
      <p className="muted">Mock Google — plays Google sign-in for the demo</p>
      <h1>Choose an account</h1>
      <p>to continue to Quiet Session studio</p>
      <div className="account">
        <span className="avatar" aria-hidden="true">
          {mockAccount.name[0]}
        </span>
        <span>
          {mockAccount.name}
          <br />
          <small className="muted">{mockAccount.email}</small>
        </span>
      </div>
      <button type="button" className="google-button" onClick={proceed} disabled={busy}>
        {busy ? 'Signing in…' : `Continue as ${mockAccount.name}`}
      </button>{' '}
      <button type="button" className="link-button" onClick={() => window.close()}>
        Cancel
      </button>
      {problem ? <p className="problem">{problem}</p> : null}
    </main>
  );
}
