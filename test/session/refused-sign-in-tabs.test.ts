/** @vitest-environment node */
import { describe, expect, it, vi } from 'vitest';
import { waitFor } from 'xstate';
import { selectBannerView, selectReauthProblem } from '../../src/lib/session/index.ts';
import { layerOnFakeBackend } from '../support/layer-fixture.ts';
import { track } from '../support/outcomes.ts';
import { reportNotes, type Tab } from '../support/tabs.ts';

const layer = layerOnFakeBackend();
const { backend, expireWithHeldCalls } = layer;
const refused = 'Signed in, but the server refused the new sign-in. Press Reconnect to try again.';

/** Waits until `tab` has adopted the signing tab's token and is done with it: its call answered, or held under the banner. */
const doneWithToken = (tab: Tab, call: ReturnType<typeof track<Response>>) =>
  vi.waitFor(() => {
    expect(reportNotes(tab)).toContain('token.adopted');
    expect(call.settled || tab.client.actor.getSnapshot().matches({ needsReauth: 'waiting' })).toBe(true);
  });

// The token comes to the other tabs as soon as the popup gives it, before the backend's word on it (decision 0024).
describe("another tab's sign-in whose new token the backend refuses at once", () => {
  it('keeps the call held in the tab that adopted the token, as in the tab that signed in, and says why', async () => {
    const tabs = layer.tabs();
    const [signing, other] = [tabs.open(), tabs.open()];
    const [own, theirs] = (await expireWithHeldCalls(signing, other)).map(track);

    signing.client.reconnect();
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    tabs.popups[0]!.resolve('t2'); // signed in, but the backend never takes t2
    const here = await waitFor(signing.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    await doneWithToken(other, theirs!);

    // Neither call went with the refused token: each still waits, under the banner, for a sign-in the backend takes.
    expect(backend.apiRequests().filter((r) => r.authorization === 'Bearer t2')).toEqual([]);
    expect({ own: own!.settled, theirs: theirs!.settled, theirStatus: theirs!.value?.status }).toEqual({
      own: false,
      theirs: false,
      theirStatus: undefined,
    });
    for (const snapshot of [here, other.client.actor.getSnapshot()]) {
      expect(selectBannerView(snapshot)).toBe('expired');
      expect(selectReauthProblem(snapshot)).toBe(refused);
    }
  });

  it('replays the calls of both tabs once a later sign-in brings a token the backend takes', async () => {
    const tabs = layer.tabs();
    const [signing, other] = [tabs.open(), tabs.open()];
    const held = await expireWithHeldCalls(signing, other);
    signing.client.reconnect();
    await waitFor(other.client.actor, (s) => s.matches({ needsReauth: 'elsewhere' }));
    tabs.popups[0]!.resolve('t2'); // refused
    await waitFor(signing.client.actor, (s) => s.matches({ needsReauth: 'waiting' }));
    await doneWithToken(other, track(held[1]!));

    other.client.reconnect();
    backend.valid.add('t3');
    tabs.popups[1]!.resolve('t3');
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect(backend.apiRequests().filter((r) => r.authorization === 'Bearer t3')).toHaveLength(2);
  });
});
