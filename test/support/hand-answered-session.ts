import { createAuthFetch, type AuthFetchOptions } from '../../src/lib/auth-fetch.ts';

export const API = 'https://api.test';

/** One send that waits for the test to answer it. */
export interface HandAnsweredSend {
  url: string;
  authorization: string | null;
  answer: (status: number) => void;
}

/**
 * A session whose every send, and every validation, waits for the test to answer it: the test
 * decides the order in which 401s, the validation and the chart's turns come. `overrides` replace
 * any option (e.g. a validate that answers at once).
 *
 * @example
 * const { client, sendsTo, validations } = handAnsweredSession();
 * client.authFetch(`${API}/api/credits`);
 * sendsTo('/api/credits')[0]!.answer(401);
 */
export function handAnsweredSession(overrides: Partial<AuthFetchOptions> = {}) {
  let token: string | null = 'alice-token';
  const sends: HandAnsweredSend[] = [];
  const validations: Array<(valid: boolean) => void> = [];
  const client = createAuthFetch({
    getToken: () => token,
    setToken: (next) => {
      token = next;
    },
    validate: () => new Promise<boolean>((resolve) => validations.push(resolve)),
    reauthenticate: async () => 'alice-token-2',
    allowedOrigins: [API],
    fetch: (input, init) =>
      new Promise<Response>((resolve) => {
        const url = String(input instanceof Request ? input.url : input);
        sends.push({ url, authorization: new Headers(init?.headers).get('authorization'), answer: (status) => resolve(new Response('{}', { status })) });
      }),
    ...overrides,
  });
  const sendsTo = (path: string) => sends.filter((send) => send.url === `${API}${path}`);
  /** The app signs the user out: the token goes, and the session is told. */
  const signOut = () => {
    token = null;
    client.endSession();
  };
  return { client, sends, sendsTo, validations, signOut };
}
