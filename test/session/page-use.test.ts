/** @vitest-environment happy-dom */
import { afterEach, describe, expect, it } from 'vitest';
import { clockedSessions } from '../support/clocked-session.ts';

const clockedSession = clockedSessions();
afterEach(() => document.body.replaceChildren());

/** A token that ends in 10 minutes, and the notice due 2 minutes before (at 8 minutes). */
function session() {
  const { client, clock } = clockedSession();
  const showsNotice = () => client.actor.getSnapshot().matches({ active: 'reminding' });
  return { client, clock, showsNotice };
}

/** Someone types, clicks or edits in a field of the page. */
function use(type: string, field: Element = document.body) {
  field.dispatchEvent(new Event(type, { bubbles: true }));
}

describe('the notice before the token ends, and the person using the page', () => {
  it.each(['pointerdown', 'keydown', 'input'])('waits for someone to use the page, and shows at their %s', (type) => {
    const { client, clock, showsNotice } = session();
    clock.increment(480_000); // due, with nobody at the page for 8 minutes
    expect(showsNotice()).toBe(false);
    use(type);
    expect(showsNotice()).toBe(true);
    // The report names what brought the notice.
    expect(client.report().entries.at(-1)).toMatchObject({ event: 'user.active', state: 'active.reminding' });
  });

  it('shows as soon as it is due when the page was used in the last five minutes', () => {
    const { clock, showsNotice } = session();
    clock.increment(300_000);
    use('keydown'); // 3 minutes before the notice is due
    expect(showsNotice()).toBe(false);
    clock.increment(180_000);
    expect(showsNotice()).toBe(true);
  });

  it("hears a key that the page's own handler stops on its way up", () => {
    const { clock, showsNotice } = session();
    const editor = document.body.appendChild(document.createElement('input'));
    editor.addEventListener('keydown', (event) => event.stopPropagation()); // as editors and date pickers do
    clock.increment(480_000);
    use('keydown', editor);
    expect(showsNotice()).toBe(true);
  });

  it('tells the session of typing at most once every 15 seconds: its subscribers are not woken at every key', () => {
    const { client, clock } = session();
    let woken = 0;
    const subscription = client.actor.subscribe(() => woken++);
    const type = (keys: number) => {
      for (let key = 0; key < keys; key++) use(key % 5 === 4 ? 'input' : 'keydown');
    };
    type(20);
    expect(woken).toBe(1);
    clock.increment(14_999);
    type(20);
    expect(woken).toBe(1);
    clock.increment(1);
    type(20);
    expect(woken).toBe(2);
    subscription.unsubscribe();
  });
});
