/** @vitest-environment node */
import { describe, expect, it } from 'vitest';
import { createActor, createMachine } from 'xstate';
import { createBrowserSignals } from '../../src/lib/session/browser-signals.ts';

/** The signals invoked by a chart that lists the events it hears; `target` plays the window. */
function hearing(onBack?: () => void) {
  const target = new EventTarget();
  const heard: string[] = [];
  const signals = createBrowserSignals({ now: () => 0, target, ...(onBack && { onBack }) });
  const chart = createMachine({
    invoke: { src: signals.logic },
    on: { '*': { actions: ({ event }) => heard.push(event.type) } },
  });
  const actor = createActor(chart).start();
  return { target, heard, stop: () => actor.stop() };
}

describe('the browser signals', () => {
  it('tell the chart the tab is back and online, and say so to onBack first', () => {
    const back: string[] = [];
    const { target, heard, stop } = hearing(() => back.push(`back before ${heard.length} events`));
    target.dispatchEvent(new Event('focus'));
    target.dispatchEvent(new Event('online'));
    stop();
    expect(heard).toEqual(['tab.visible', 'network.online']);
    expect(back).toEqual(['back before 0 events', 'back before 1 events']);
  });

  it('tell the chart without an onBack: none given is none called', () => {
    const { target, heard, stop } = hearing();
    target.dispatchEvent(new Event('focus'));
    target.dispatchEvent(new Event('online'));
    stop();
    expect(heard).toEqual(['tab.visible', 'network.online']);
  });
});
