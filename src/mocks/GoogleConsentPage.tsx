import { useState } from 'react';
import { mockAccounts, type MockAccount } from './mock-data.ts';

/** Read out, not shown: "Continue as" before the account's name, as Google's chooser says it to screen readers. */
const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clipPath: 'inset(50%)',
  whiteSpace: 'nowrap',
} as const;

/** What the page says when the network is down (the dev panel's "Go offline"): the accounts stay there to choose again. */
const unreachable = "Couldn't reach Google. Check your connection, then choose an account again.";

/** Google's side: a code for `account`, bound to this sign-in's `state` and PKCE challenge (no app token involved). */
async function authorize(account: MockAccount, query: URLSearchParams): Promise<string> {
  const response = await fetch('/mock-google/authorize', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      account: account.id,
      state: query.get('state') ?? '',
      code_challenge: query.get('code_challenge'),
      code_challenge_method: query.get('code_challenge_method'),
    }),
  });
  if (!response.ok) throw new Error(`The mock Google answered ${response.status}.`);
  return ((await response.json()) as { code: string }).code;
}

/**
 * `/auth/google/consent`: the mock backend's stand-in for Google's account
 * chooser, shown in the sign-in popup. "Continue as …" (one button per mock
 * account: choosing someone else is how a user switches accounts) gets a code
 * and goes to the app's callback page, as Google's redirect would; "Cancel"
 * goes there with `error=access_denied`. Served with COOP (consent-coop-plugin.ts).
 */
export function GoogleConsentPage() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const query = new URLSearchParams(window.location.search);
  const state = query.get('state') ?? '';

  const proceed = (account: MockAccount) => {
    setBusy(true);
    authorize(account, query).then(
      (code) => window.location.replace(`/auth/google/callback?${new URLSearchParams({ code, state })}`),
      (error: unknown) => {
        setBusy(false);
        // fetch's TypeError is the network's ("Failed to fetch"): words for people, as the app's own pages have.
        setProblem(error instanceof TypeError ? unreachable : error instanceof Error ? error.message : String(error));
      },
    );
  };

  const cancel = () => window.location.replace(`/auth/google/callback?${new URLSearchParams({ error: 'access_denied', state })}`);

  return (
    <main className="popup-page consent">
      <p className="muted">Mock Google — plays Google sign-in for the demo</p>
      <h1>Choose an account</h1>
      <p>to continue to Quiet Session studio</p>
      {/* One row per account, the whole row a button, as Google's chooser has it. */}
      {mockAccounts.map((account) => (
        <button
          type="button"
          className="account google-button"
          key={account.id}
          aria-describedby={`email-${account.id}`}
          onClick={() => proceed(account)}
          disabled={busy}
        >
          <span className="avatar" aria-hidden="true">
            {account.name[0]}
          </span>
          <span>
            <span style={visuallyHidden}>Continue as </span>
            {account.name}
            <br />
            {/* The name is the words shown (voice control says them, WCAG 2.5.3); the address is its description. */}
            <small className="muted" id={`email-${account.id}`} aria-hidden="true">
              {account.email}
            </small>
          </span>
        </button>
      ))}
      {busy ? <p className="muted">Signing in…</p> : null}
      {/* As Google does: back to the app's callback page with access_denied, which the app shows at once. */}
      <button type="button" className="link-button" onClick={cancel} disabled={busy}>
        Cancel
      </button>
      {problem ? <p className="problem">{problem}</p> : null}
    </main>
  );
}
