// Google sign-in on the reference backend as the popup goes, with fetch: login → the chooser → a button → the callback.
import { codeChallengeOf } from '../../../src/lib/pkce.ts';

/** The PKCE verifier of the sign-ins `openChooser` starts unless told another (RFC 7636 Appendix B's). */
export const chooserVerifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

const entities: Record<string, string> = { '&amp;': '&', '&quot;': '"', '&lt;': '<', '&gt;': '>', '&#x27;': "'" };
const unescapeHtml = (text: string) => text.replace(/&(amp|quot|lt|gt|#x27);/g, (entity) => entities[entity] ?? entity);

/**
 * A button's accessible name, from its attributes and inner HTML: its aria-label, else its text but what is aria-hidden.
 *
 * @example
 * buttonName('', '<span>Continue as </span>Ada<small aria-hidden="true">ada@x</small>'); // 'Continue as Ada'
 */
export function buttonName(attributes: string, content: string): string {
  const label = /aria-label="([^"]*)"/.exec(attributes)?.[1];
  const text = content.replace(/<(\w+)\b[^>]*\baria-hidden="true"[^>]*>[\s\S]*?<\/\1>/g, '').replace(/<[^>]*>/g, '');
  return unescapeHtml(label ?? text)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The chooser page a login leads to, as the popup would show it. */
export interface ChooserPage {
  url: string;
  response: Response;
  html: string;
}

/**
 * Follows `/auth/google/login?state=&code_challenge=` to the provider's page (two requests, redirects by hand), with
 * the S256 challenge of `verifier`.
 *
 * @example
 * const page = await openChooser(api, 'state-1', 'http://localhost:5173/auth/google/callback');
 */
export async function openChooser(api: string, state: string, redirectUri?: string, verifier = chooserVerifier): Promise<ChooserPage> {
  const pkce = { code_challenge: codeChallengeOf(verifier), code_challenge_method: 'S256' };
  const query = new URLSearchParams({ state, ...pkce, ...(redirectUri ? { redirect_uri: redirectUri } : {}) });
  const login = await fetch(`${api}/auth/google/login?${query}`, { redirect: 'manual' });
  const url = login.headers.get('location');
  if (login.status !== 302 || !url) throw new Error(`login answered ${login.status} ${await login.text()}`);
  const response = await fetch(url);
  return { url, response, html: await response.text() };
}

/**
 * Presses the chooser's button whose accessible name is `label` (its form posted
 * as the browser would) and returns where the provider sends the popup back to.
 *
 * @example
 * const callback = await press(page, 'Continue as Ada Lovelace');
 * callback.searchParams.get('code');
 */
export async function press(page: ChooserPage, label: string): Promise<URL> {
  const form = new URLSearchParams();
  for (const [, name, value] of page.html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    form.append(unescapeHtml(name!), unescapeHtml(value!));
  }
  const button = [...page.html.matchAll(/<button type="submit" name="([^"]*)" value="([^"]*)"([^>]*)>([\s\S]*?)<\/button>/g)].find(
    ([, , , attributes, content]) => buttonName(attributes!, content!) === label,
  );
  if (!button) throw new Error(`No button "${label}" on ${page.url}`);
  form.append(unescapeHtml(button[1]!), unescapeHtml(button[2]!));
  const chosen = await fetch(page.url, { method: 'POST', body: form, redirect: 'manual' });
  const location = chosen.headers.get('location');
  if (chosen.status < 300 || chosen.status >= 400 || !location) throw new Error(`the chooser answered ${chosen.status}`);
  return new URL(location);
}
