/** @vitest-environment node */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eitherSignal } from '../../src/lib/session/either-signal.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('eitherSignal, what the tab locks wait on', () => {
  it('is aborted from the start when a source already is, with its reason', () => {
    const calm = new AbortController();
    const gone = new AbortController();
    gone.abort(new Error('the popup closed'));
    const { signal } = eitherSignal([calm.signal, gone.signal], 1_000);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toEqual(new Error('the popup closed'));
  });

  it('aborts when a source does, with its reason', () => {
    const caller = new AbortController();
    const { signal } = eitherSignal([caller.signal]);
    caller.abort(new Error('the session moved on'));
    expect(signal.reason).toEqual(new Error('the session moved on'));
  });

  it('times out as AbortSignal.timeout does: a TimeoutError that says so', () => {
    const { signal } = eitherSignal([new AbortController().signal], 1_000);
    vi.advanceTimersByTime(999);
    expect(signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect(signal.reason).toMatchObject({ name: 'TimeoutError', message: expect.stringMatching(/timed out/) });
  });

  it('once disposed, neither a source nor the clock aborts it any more', () => {
    const caller = new AbortController();
    const { signal, dispose } = eitherSignal([caller.signal], 1_000);
    dispose();
    vi.advanceTimersByTime(1_000);
    expect(signal.aborted).toBe(false);
    caller.abort();
    expect(signal.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('restarted, takes its whole ms again from the restart', () => {
    const { signal, restart } = eitherSignal([], 1_000);
    vi.advanceTimersByTime(900);
    restart();
    vi.advanceTimersByTime(999);
    expect(signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(signal.reason).toMatchObject({ name: 'TimeoutError' });
    expect(vi.getTimerCount()).toBe(0);
  });
});
