import { type CallParts, hold, isOver, tokenFor } from './call-session.ts';
import { abortedWith, buildable, safeMethods } from './fetch-failure.ts';
import type { RequestTemplate } from './request-template.ts';

/** How many times in all a safe call is sent while the network keeps cutting it off. */
const CUT_OFF_SENDS = 3;

/**
 * A call cut off at its `sends`th send is held again until its `CUT_OFF_SENDS`th: a flaky network, not a route that always fails.
 *
 * @example
 * networkFailed(parts, error, sent, heldAgain(template, sends), sends, resend);
 */
export const heldAgain = (template: RequestTemplate, sends: number) => (sends < CUT_OFF_SENDS ? () => template : undefined);

/**
 * fetch rejected (its TypeError: the network failed): calls made from now on wait for it, and so does this one if
 * `template` says it may be sent again (then by `again`: `resend` before any 401, `replay` after one); otherwise it
 * may have reached the backend, and rejects. A request fetch would not even build (a URL with credentials, a GET
 * with a body) is its caller's mistake, not the network's.
 *
 * @example
 * fetchNow(...sent).catch((error: unknown) => networkFailed(parts, error, sent, heldAgain(template, 1), 1, resend));
 */
export function networkFailed(
  parts: CallParts,
  error: unknown,
  sent: Parameters<typeof fetch>,
  template: (() => RequestTemplate) | undefined,
  sends: number,
  again: (template: RequestTemplate, sendsBefore: number) => Promise<Response>,
): Promise<Response> {
  if (!(error instanceof TypeError) || isOver(parts) || abortedWith(sent, error) || !buildable(sent)) throw error;
  parts.actor.send({ type: 'network.offline' });
  const waiting = template?.();
  // Safe methods (RFC 9110 §9.2.1) may be sent again; an aborted signal is its caller's, even as the network failed.
  if (!waiting?.replay || !waiting.replayable || !safeMethods.has(waiting.method.toUpperCase()) || waiting.signal?.aborted) throw error;
  // Signed out, or another account's token, since it went out: it would never be sent again, so it is not held.
  tokenFor(parts, waiting);
  return hold(parts, 'unsent', waiting, (held) => again(held, sends), waiting);
}
