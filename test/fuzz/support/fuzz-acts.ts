import { networkError } from './fuzz-backend.ts';
import { hearTabToken } from './fuzz-elsewhere.ts';
import type { FuzzWorld } from './fuzz-world.ts';

/**
 * What the user, the app and other tabs do to the session, as the fuzz's
 * commands ask, with what the oracle learns from it.
 *
 * @example
 * acts.signOut(world);
 */
export const acts = {
  /** The banner's Reconnect: with a popup open, that one is aborted and a new one opens, within the click. */
  reconnect(world: FuzzWorld) {
    const open = world.openReauths();
    const wasOpen = world.client.actor.getSnapshot().matches('reauthenticating');
    world.client.reconnect();
    const now = world.openReauths();
    if (wasOpen && (open.some((popup) => !popup.signal.aborted) || now.length !== 1 || open.includes(now[0]!))) {
      world.violations.push('Reconnect with the popup open did not abort it and open a new one');
    }
  },
  /** Another tab signed in (as `sub`) and broadcast its token. */
  adopt(world: FuzzWorld, sub?: string) {
    const token = world.mint(sub);
    world.told.push(token);
    if (!world.facts.stopped) world.facts.newAccount(world.tokens.subOf(token));
    world.client.adoptToken(token);
  },
  /** Another tab's message, repeated or late, names a token told before: the one stored, or one of the two before it. */
  adoptAgain(world: FuzzWorld, pick: number) {
    const recent = [...new Set(world.told)].slice(-3);
    const token = recent[pick % recent.length]!;
    world.seen.add(token === world.store.token ? 'tab message naming the stored token' : 'tab message naming an older token');
    hearTabToken(world, token);
  },
  /** Another tab wrote a token to the shared storage, without a word. */
  storeSilently(world: FuzzWorld) {
    world.store.token = world.mint();
    world.told.push(world.store.token);
    world.facts.newAccount(world.tokens.subOf(world.store.token));
  },
  /** The user signs out: the app forgets the token and ends the session. */
  signOut(world: FuzzWorld) {
    world.facts.signedOut();
    world.facts.signOuts++;
    world.store.token = null;
    world.client.endSession();
  },
  stop(world: FuzzWorld) {
    world.facts.mayRefuse('stopped');
    world.facts.stopped = true;
    world.client.stop();
  },
  /** The API cannot be reached any more: what is out fails, validations included (nothing else tells). */
  goDown(world: FuzzWorld) {
    world.backend.goDown();
    for (const validation of world.validations.filter((v) => !v.settled)) {
      // One the session still waits for tells it; one it gave up on tells nobody.
      if (!validation.abandoned) world.facts.backendUnreachable('a validation failed at the network');
      validation.reject(networkError());
    }
  },
};
