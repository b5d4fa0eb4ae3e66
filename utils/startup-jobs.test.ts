/** The background's start-up jobs wait for its first answer (issue 15). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStartupJobs } from './startup-jobs.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('start-up jobs', () => {
  it('wait for the first answer, then each runs exactly once', async () => {
    const ran: string[] = [];
    const jobs = createStartupJobs({ idleMs: 1000 });
    jobs.add(() => ran.push('rules'));
    jobs.add(() => ran.push('toolbar'));
    await vi.advanceTimersByTimeAsync(999);
    expect(ran).toEqual([]);
    jobs.answered();
    jobs.answered();
    await vi.advanceTimersByTimeAsync(2000);
    expect(ran).toEqual(['rules', 'toolbar']);
    // A job added later (none is today) is not held back.
    jobs.add(() => ran.push('late'));
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toEqual(['rules', 'toolbar', 'late']);
  });

  it('run anyway when no message woke the worker (an alarm, a closed tab, a browser start)', async () => {
    const ran: string[] = [];
    const jobs = createStartupJobs({ idleMs: 250 });
    jobs.add(() => ran.push('push'));
    await vi.advanceTimersByTimeAsync(249);
    expect(ran).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toEqual(['push']);
    jobs.answered();
    await vi.advanceTimersByTimeAsync(1000);
    expect(ran).toEqual(['push']);
  });

  it('a failing job (thrown or rejected) is logged and the others still run', async () => {
    const logged: unknown[] = [];
    const ran: string[] = [];
    const jobs = createStartupJobs({ log: (_message, error) => logged.push(error) });
    jobs.add(() => {
      throw new Error('sync');
    });
    jobs.add(() => Promise.reject(new Error('async')));
    jobs.add(() => ran.push('toolbar'));
    jobs.answered();
    await vi.advanceTimersByTimeAsync(0);
    expect(ran).toEqual(['toolbar']);
    expect(logged.map((error) => (error as Error).message)).toEqual(['sync', 'async']);
  });
});
