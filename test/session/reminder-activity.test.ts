/** @vitest-environment happy-dom */
import { describe, expect, it } from 'vitest';
import { clockedSessions } from '../support/clocked-session.ts';
import { unsignedJwt } from '../support/unsigned-jwt.ts';

/** A JWT for ada that expires at `expMs` (the session's clock starts at 0). */
const jwt = (expMs: number) => unsignedJwt({ sub: 'ada', exp: expMs / 1000 });

const clockedSession = clockedSessions();

/** A session whose token ends at `expMs`, with the notice 2 minutes before. */
function session(expMs: number) {
  const { client, clock } = clockedSession({ getToken: () => jwt(expMs) });
  const notice = () => client.actor.getSnapshot().matches({ active: 'reminding' });
  /** Someone presses a key on the page. */
  const type = () => window.dispatchEvent(new KeyboardEvent('keydown'));
  return { client, clock, notice, type };
}

// The notice asks someone who is there: a person who used the page in the last five minutes.
describe('the notice before expiry', () => {
  it('shows when it is due to someone who used the page in the last five minutes', () => {
    const { clock, notice, type } = session(600_000);
    clock.increment(180_001);
    type();
    clock.increment(299_999); // the notice is due (exp - 2 min), 4 min 59.999 s after the key
    expect(notice()).toBe(true);
  });

  it('waits for someone last seen five minutes ago, or never, and shows once they are back', () => {
    const a = session(600_000);
    a.clock.increment(180_000);
    a.type();
    a.clock.increment(300_000); // due, 5 min after the key
    expect(a.notice()).toBe(false);
    a.type();
    expect(a.notice()).toBe(true);
    a.client.stop();

    const b = session(200_000);
    b.clock.increment(80_000); // due, nobody has touched the page yet
    expect(b.notice()).toBe(false);
    b.type();
    expect(b.notice()).toBe(true);
  });
});
