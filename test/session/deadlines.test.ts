/** @vitest-environment node */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeadlines } from '../../src/lib/session/deadlines.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createDeadlines, the waits on another tab that its word pushes back', () => {
  it('ends a wait once ms pass without a word, as a timeout', () => {
    const wait = createDeadlines(1_000).start();
    vi.advanceTimersByTime(999);
    expect(wait.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(wait.signal.reason).toMatchObject({ name: 'TimeoutError' });
  });

  it('gives every live wait its whole ms again on a word', () => {
    const patience = createDeadlines(1_000);
    const first = patience.start();
    vi.advanceTimersByTime(500);
    const second = patience.start();
    vi.advanceTimersByTime(400);
    patience.restartAll();
    vi.advanceTimersByTime(999);
    expect([first.signal.aborted, second.signal.aborted]).toEqual([false, false]);
    vi.advanceTimersByTime(1);
    expect([first.signal.aborted, second.signal.aborted]).toEqual([true, true]);
  });

  it('ends a wait when one of its signals aborts, with its reason', () => {
    const gone = new AbortController();
    const wait = createDeadlines(1_000).start([gone.signal]);
    gone.abort(new Error('the connection is undone'));
    expect(wait.signal.reason).toEqual(new Error('the connection is undone'));
  });

  it('once disposed, a wait is neither restarted nor ended, and keeps no timer', () => {
    const patience = createDeadlines(1_000);
    const wait = patience.start();
    wait.dispose();
    patience.restartAll();
    vi.advanceTimersByTime(1_000);
    expect(wait.signal.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
