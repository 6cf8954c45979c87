import type { FuzzWorld } from './fuzz-world.ts';

/**
 * When this tab hears another tab's word of what it already did to the shared storage: after `after` more
 * commands (0: this one), in the task right after that command's (`beforeRest`: its timers not yet run) or once
 * the system has rested after it.
 * A run that ends first never hears it.
 */
export interface Heard {
  after: number;
  beforeRest: boolean;
}

interface Word {
  step: number;
  beforeRest: boolean;
  hear: () => void;
}

/**
 * Another tab's words on their way: the storage they share changed at once, the message comes later.
 *
 * @example
 * const late = createLateWords();
 * late.send({ after: 1, beforeRest: false }, () => client.endSession());
 */
export function createLateWords() {
  let words: Word[] = [];
  const late = {
    /** The command being run, counted from 0 by the run. */
    step: 0,
    send(heard: Heard, hear: () => void) {
      words.push({ step: late.step + heard.after, beforeRest: heard.beforeRest, hear });
    },
    /** Hears, in the order sent, the words due now (`beforeRest`: before the command's rest); true if any was heard. */
    hearDue(beforeRest: boolean): boolean {
      const due = words.filter((word) => word.step <= late.step && word.beforeRest === beforeRest);
      words = words.filter((word) => !due.includes(word));
      for (const word of due) word.hear();
      return due.length > 0;
    },
  };
  return late;
}

/**
 * Another tab's message naming `token`, heard as tab sync's listener hears it (while signed in here): heard after a
 * sign-out, it signs no one in again. Late or repeated, it may name a token older than the one stored of the same
 * account: that one stays, and calls go with it, unless the backend refused it.
 *
 * @example
 * hearTabToken(world, world.told[0]!);
 */
export function hearTabToken(world: FuzzWorld, token: string) {
  const { tokens, store } = world;
  const stored = store.token;
  const older = stored !== null && tokens.subOf(token) === tokens.subOf(stored) && tokens.expOf(token)! < tokens.expOf(stored)!;
  if (older) world.seen.add('tab message naming an older token of the account stored');
  if (older && tokens.iatOf(token) === tokens.iatOf(stored)) world.seen.add('tab message naming an older token of the same second');
  world.client.adoptToken(token, { whileSignedIn: true });
  if (stored === null && store.token !== null) world.violations.push("a tab's late message signed this tab in again after a sign-out");
  if (older && store.token === token && !world.facts.refused.has(stored))
    world.violations.push("a tab's late message put an older token of the same account in place of the stored one");
}

/** The other account than the one whose token is stored (ada when none is). */
const otherThan = (sub: string | undefined) => (sub === 'bob' ? 'ada' : 'bob');

/**
 * What another tab does to the shared storage, heard here only later.
 *
 * @example
 * elsewhere.signOut(world, { after: 1, beforeRest: true });
 */
export const elsewhere = {
  /** Another tab signs out: the shared token is gone now; its word (`endSession({ whileSignedOut: true })`) comes later. */
  signOut(world: FuzzWorld, heard: Heard) {
    world.facts.signedOut();
    world.store.token = null;
    world.seen.add('signed out elsewhere');
    world.late.send(heard, () => {
      // A stopped session hears nothing: tab sync may still speak to it.
      if (world.facts.stopped) return;
      world.seen.add('sign-out elsewhere heard');
      // A token stored since (a sign-in here or there): the word is older than it, and ends no session.
      if (world.store.token !== null) world.seen.add('stale sign-out word');
      else {
        // Not a new sign-out: a call refused since the token went may already have its reason (another account's token).
        world.facts.mayRefuse('signed-out');
        world.facts.signOuts++;
      }
      world.client.endSession({ whileSignedOut: true });
    });
  },
  /** Another tab signs in as another account: its token is stored now, without a word; tab sync's listener hears it later. */
  signIn(world: FuzzWorld, heard: Heard) {
    const token = world.mint(otherThan(world.tokens.subOf(world.store.token)));
    world.store.token = token;
    world.told.push(token);
    world.facts.newAccount(world.tokens.subOf(token));
    world.seen.add('signed in elsewhere as another account');
    world.late.send(heard, () => {
      if (!world.facts.stopped) world.facts.newAccount(world.tokens.subOf(token));
      world.seen.add(world.store.token === null ? 'sign-in elsewhere heard after a sign-out' : 'sign-in elsewhere heard');
      hearTabToken(world, token);
    });
  },
};
