import { SimulatedClock } from 'xstate';

/**
 * xstate's SimulatedClock that also tells when its pending timers fire. The session's chart is its only user
 * (its delays), so "time passes until the chart's next timer" is how the real system reproduces a timer event
 * of the model: whichever timer fires first is the one the real chart takes, as in a browser.
 *
 * @example
 * const clock = new TimerClock();
 * clock.set(clock.next()); // the next delayed transition happens
 */
export class TimerClock extends SimulatedClock {
  private readonly timers = new Map<number, { at: number; delay: number }>();

  override setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id: number = super.setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, timeout);
    this.timers.set(id, { at: this.now() + timeout, delay: timeout });
    return id;
  }

  override clearTimeout(id: number): void {
    this.timers.delete(id);
    super.clearTimeout(id);
  }

  /** When the pending timers fire, soonest first. */
  pending(): number[] {
    return [...this.timers.values()].map((t) => t.at).sort((a, b) => a - b);
  }

  /** How long the next timer to fire was set to wait. */
  nextDelay(): number | undefined {
    return [...this.timers.values()].sort((a, b) => a.at - b.at)[0]?.delay;
  }

  /** When the next timer fires (Infinity when none is pending). */
  next(): number {
    return this.pending()[0] ?? Infinity;
  }

  /** Lets `ms` pass, which must not reach a pending timer: time the real system needs that the model does not see. */
  wait(ms: number): void {
    if (this.now() + ms >= this.next()) throw new Error(`waiting ${ms} ms would fire a timer the model did not ask for`);
    this.increment(ms);
  }
}
