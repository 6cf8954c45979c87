import type { SimulatedClock } from 'xstate';
import type { AuthFetchOptions } from '../../../src/lib/session/options.ts';
import { createSharedAnswers } from '../../../src/lib/session/tab-answers.ts';
import { createTabSync } from '../../../src/lib/session/tab-sync.ts';
import { createFakeLocks } from '../../support/fake-locks.ts';

/** A yes some tab heard from the backend for `token`, at `at` on the tabs' clock. */
interface Yes {
  token: string | null;
  at: number;
}

/** What the session's last validation answered, and whether a shared yes (given at `yesAt`) was its answer. */
export interface Verdict {
  token: string | null;
  valid: boolean;
  reusedYesAt?: number;
}

/**
 * The session's tab sync, with one other tab that shares the validation lock, storage and answers: the other tab
 * takes the lock (it is asking the backend) and answers, yes or no, whenever the run says. Only validation is shared:
 * the other tab's tokens and popups are fuzz-elsewhere.ts's.
 *
 * @example
 * const tabs = createFuzzTabs(clock, () => validations.length);
 * createAuthFetch({ ...options, validate: tabs.wrap(validate) });
 */
export function createFuzzTabs(clock: SimulatedClock, innerValidations: () => number) {
  const name = 'fuzz';
  const locks = createFakeLocks();
  const items = new Map<string, string>();
  const storage = { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) };
  const other = createSharedAnswers({ name, locks, storage, ttl: 5_000, now: () => clock.now() });
  /** Every yes a tab heard from the backend, oldest first. */
  const yeses: Yes[] = [];
  let asking = false;
  let release: (() => void) | undefined;
  const tabs = {
    /** The other tab holds the validation lock (or waits for it): it is asking the backend. */
    get asking() {
      return asking;
    },
    last: undefined as Verdict | undefined,
    /** Paths of interest, for the coverage summary. */
    seen: new Set<string>(),
    sync: undefined as ReturnType<typeof createTabSync> | undefined,
    /** tab sync's validate around `validate`, noting when its yes was another answer's, reused. */
    wrap(inner: Pick<AuthFetchOptions, 'validate' | 'reauthenticate'>): AuthFetchOptions['validate'] {
      const validate: AuthFetchOptions['validate'] = async (args) => {
        const valid = await inner.validate(args);
        if (valid === true) yeses.push({ token: args.token, at: clock.now() });
        return valid;
      };
      const sync = createTabSync({ ...inner, validate }, { name, locks, storage });
      tabs.sync = sync;
      return async (args) => {
        const before = innerValidations();
        const lately = yeses.some((y) => y.token === args.token && clock.now() - y.at < 5_000);
        const valid = await sync.validate(args);
        const reused = innerValidations() === before;
        const yes = reused && valid ? yeses.filter((y) => y.token === args.token && y.at <= clock.now()).at(-1) : undefined;
        tabs.last = { token: args.token, valid, ...(yes && { reusedYesAt: yes.at }) };
        if (reused) tabs.seen.add(`validation answered from the tabs' ${valid ? 'yes' : 'no'}`);
        else if (lately) tabs.seen.add('validation asked the backend, though a tab heard yes lately');
        return valid;
      };
    },
    /** The other tab starts asking the backend about the token: it takes the validation lock. */
    startAsking() {
      if (asking) return;
      asking = true;
      // Granted a microtask later, or after this tab's validation: answered before that, it lets go at once.
      void locks.request(`${name}:validate`, {}, () => (asking ? new Promise<void>((done) => (release = done)) : undefined));
    },
    /** The other tab hears the backend's answer for `token`, shares it, and lets the lock go if it held it. */
    async answer(token: string | null, valid: boolean) {
      if (valid) yeses.push({ token, at: clock.now() });
      await other.write(token, valid);
      asking = false;
      release?.();
      release = undefined;
    },
  };
  return tabs;
}

export type FuzzTabs = ReturnType<typeof createFuzzTabs>;
