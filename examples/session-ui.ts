import {
  type AuthFetchClient,
  type BannerView,
  type SessionSnapshot,
  selectBannerView,
  selectReauthProblem,
  selectReminderView,
  selectWaitingForNetwork,
} from '../src/lib/session/index.ts';

const headline: Record<Exclude<BannerView, 'hidden'>, string> = {
  expired: 'Session expired',
  reconnecting: 'Reconnecting… sign in in the new window.',
  elsewhere: 'Reconnecting in another tab…',
  coolingDown: 'Sign-in failed several times. Try again in a moment.',
};

/**
 * The session's banner, offline line and notice before expiry, without React: plain DOM drawn from the selectors.
 * `dismissReminder` is the tab sync's when there is one (every tab), else the client's. Returns an undo that takes them away.
 *
 * @example
 * const unmount = mountSessionUi(client, sync.dismissReminder, document.body);
 */
export function mountSessionUi(client: AuthFetchClient, dismissReminder: () => void, root: HTMLElement): () => void {
  const template = root.ownerDocument.createElement('template');
  template.innerHTML = `<div class="banner" role="alert" hidden><p class="headline"></p><p class="problem"></p><button type="button">Reconnect</button></div>
     <p class="offline" role="status" hidden>Waiting for the network…</p>
     <div class="notice" role="status" hidden><p>Your session ends soon.</p><button type="button" class="stay">Stay signed in</button><button type="button" class="not-now">Not now</button></div>`;
  // Held as made, not found again by class: the page may have a `.banner` of its own.
  const parts = [...template.content.children] as HTMLElement[];
  const [banner, offline, notice] = parts;
  root.append(...parts);
  const reconnect = banner!.querySelector('button')!;
  // Reconnect does something only while expired: elsewhere and cooling down, the chart ignores it.
  reconnect.addEventListener('click', () => selectBannerView(client.actor.getSnapshot()) === 'expired' && client.reconnect());
  // While the session checks the token under the notice (`checking`), the notice stays up and its buttons do nothing.
  const reminding = () => selectReminderView(client.actor.getSnapshot()) === 'reminding';
  const [stay, notNow] = ['.stay', '.not-now'].map((name) => notice!.querySelector<HTMLButtonElement>(name)!);
  stay!.addEventListener('click', () => reminding() && client.reconnect());
  notNow!.addEventListener('click', () => reminding() && dismissReminder());

  const render = (snapshot: SessionSnapshot) => {
    const view = selectBannerView(snapshot);
    banner!.hidden = view === 'hidden';
    banner!.querySelector('.headline')!.textContent = view === 'hidden' ? '' : headline[view];
    banner!.querySelector('.problem')!.textContent = view === 'expired' ? (selectReauthProblem(snapshot) ?? '') : '';
    reconnect.hidden = view === 'elsewhere';
    reconnect.setAttribute('aria-disabled', String(view !== 'expired'));
    offline!.hidden = !selectWaitingForNetwork(snapshot);

    const reminder = selectReminderView(snapshot);
    notice!.hidden = reminder !== 'reminding' && reminder !== 'checking';
    for (const button of [stay!, notNow!]) button.setAttribute('aria-disabled', String(reminder === 'checking'));
  };
  // subscribe() tells of the next snapshots only: draw the current one first.
  render(client.actor.getSnapshot());
  const subscription = client.actor.subscribe(render);
  return () => {
    subscription.unsubscribe();
    for (const part of parts) part.remove();
  };
}
