import type { AuthFetchClient } from './auth-fetch-client.ts';
import type { createDeadlines } from './deadlines.ts';
import { abortOf } from './either-signal.ts';
import type { AuthFetchOptions } from './options.ts';
import type { SharedAnswers } from './tab-answers.ts';
import type { TabMessage } from './tab-listener.ts';
import { underLock, type TabLocks } from './tab-locks.ts';

/**
 * `inner.validate`, single-flight across tabs: the first tab asks the backend under the validation lock, telling the
 * others it is still at it; the others, queued behind it, reuse its answer. Once answered, it tells them the backend is
 * there (`answered`): one holding calls offline asks now. Positional arguments, as listenToTabs': an options object
 * would cost the layer's size budget its names.
 *
 * @param inner Where the app's own validate is, called as its method.
 * @param locks The tabs' lock manager, if any: without one each tab asks alone, sharing its answer still.
 * @param patience The waits for another tab's validation lock, which its word that it is still asking restarts.
 * @param post Tells the other tabs.
 * @param note Adds a line to the connected session's report.
 * @param session The connected session, if any: its clock and what it knows of the backend.
 *
 * @example
 * const validate = createTabValidation(inner, 'app', navigator.locks, 3_000, answers, createDeadlines(3_000), post, note, () => session);
 * const valid = await validate({ token, signal });
 */
export function createTabValidation(
  inner: Pick<AuthFetchOptions, 'validate'>,
  name: string,
  locks: TabLocks | undefined,
  lockMs: number,
  answers: SharedAnswers,
  patience: ReturnType<typeof createDeadlines>,
  post: (message: TabMessage) => void,
  note: (event: string, detail?: string) => void,
  session: () => AuthFetchClient | null,
): AuthFetchOptions['validate'] {
  /** `asking`, while the other tabs are told, now and every lockMs / 3, that this tab is still at it; until `signal` aborts. */
  const sayingValidating = async <T>(asking: Promise<T>, signal: AbortSignal) => {
    post({ type: 'validating' });
    const beat = setInterval(() => post({ type: 'validating' }), lockMs / 3);
    try {
      // A validate that ignores its signal: once the session gave up on it (timed out, stopped), so does this tab, and the lock goes.
      return await Promise.race([asking, abortOf(signal).then(() => Promise.reject(signal.reason))]);
    } finally {
      clearInterval(beat);
    }
  };
  return async (args) => {
    let asked = false;
    // A yes given before this validation began predates the 401 it is for: only one given while it waited is reused.
    const since = session()?.now() ?? Date.now();
    const ask = async () => {
      asked = true;
      const context = session()?.actor.getSnapshot().context;
      // exp on the backend's clock, as the session reads it: a clock behind it would reuse a yes past exp.
      // A probe asks whether the backend is back: an answer from before it began (the network went since) says nothing of it;
      // one another tab got while this one waited behind it does, and asked again in turn, this tab's would come past its limit.
      const known = await answers.read(args.token, context?.clockOffsetMs, since, context?.unreachable);
      if (known !== null) {
        note('tab.answer', known ? 'valid' : 'expired');
        return known;
      }
      const valid = await (locks ? sayingValidating(inner.validate(args), args.signal) : inner.validate(args));
      // Shared before the lock is released: the tab granted it next finds the answer.
      await answers.write(args.token, valid);
      // The backend is there: a tab holding offline asks now, not after its backoff.
      post({ type: 'answered' });
      return valid;
    };
    if (!locks) return ask();
    const waiting = patience.start();
    try {
      // Queued behind any other tab's validation, whose answer is there once the lock is ours.
      return await underLock(locks, `${name}:validate`, { ms: lockMs, until: waiting.signal }, args.signal, ask, () =>
        note('lock.validate', 'taken over'),
      );
    } catch (error) {
      // The lock manager refused this page (SecurityError where storage is blocked): asked as without locks.
      if (asked || args.signal.aborted) throw error;
      return ask();
    } finally {
      waiting.dispose();
    }
  };
}
