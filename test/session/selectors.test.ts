/** @vitest-environment node */
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { type SessionContext, sessionMachine } from '../../machines/session.machine.ts';
import { selectBackendUnreachable, selectBannerView, selectHeldCount, selectStateLabel } from '../../src/lib/session/index.ts';

// What the page reads from a snapshot of the chart in each state: no actor runs, the snapshot is all a selector sees.
const initial = createActor(sessionMachine, { input: {} }).getSnapshot().context;
const at = (value: Parameters<typeof sessionMachine.resolveState>[0]['value'], context: Partial<SessionContext> = {}) =>
  sessionMachine.resolveState({ value, context: { ...initial, ...context } });

describe('the selectors', () => {
  it.each([
    [{ needsReauth: 'waiting' }, 'expired'],
    [{ needsReauth: 'elsewhere' }, 'elsewhere'],
    [{ needsReauth: 'coolingDown' }, 'coolingDown'],
    [{ reauthenticating: 'holding' }, 'reconnecting'],
    ['active', 'hidden'],
  ] as const)('%j: the banner shows %s', (value, view) => {
    expect(selectBannerView(at(value))).toBe(view);
  });

  it('names the state, counts what is held, and says whether the backend is out of reach', () => {
    const held = { method: 'GET', reason: 'unauthorized' } as unknown as SessionContext['queue'][number];
    const snapshot = at({ needsReauth: 'waiting' }, { queue: [held, held], unreachable: true });
    expect([selectStateLabel(snapshot), selectHeldCount(snapshot), selectBackendUnreachable(snapshot)]).toEqual([
      'needsReauth.waiting',
      2,
      true,
    ]);
    expect(selectBackendUnreachable(at('active'))).toBe(false);
  });
});
