/**
 * In-memory promises waiting on a key (a flow's `state`, an app id). They do
 * not survive a worker restart; the saved flow does (C1), so nothing here is
 * the source of truth: it only tells a live caller how its flow ended.
 */

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** Callers waiting on keys; each settle wakes every caller of that key once. */
export interface Waiters<K, T> {
  /** A promise settled by the next {@link Waiters.resolve} or {@link Waiters.reject} of `key`. */
  wait(key: K): Promise<T>;
  resolve(key: K, value: T): void;
  reject(key: K, error: unknown): void;
  /** Rejects every caller of every key (sign-out, identity change). */
  rejectAll(error: unknown): void;
}

/** Creates an empty set of waiters. */
export function createWaiters<K, T>(): Waiters<K, T> {
  const byKey = new Map<K, Waiter<T>[]>();

  function take(key: K): Waiter<T>[] {
    const waiting = byKey.get(key) ?? [];
    byKey.delete(key);
    return waiting;
  }

  return {
    wait(key) {
      return new Promise<T>((resolve, reject) => {
        const waiting = byKey.get(key) ?? [];
        waiting.push({ resolve, reject });
        byKey.set(key, waiting);
      });
    },
    resolve(key, value) {
      for (const waiter of take(key)) waiter.resolve(value);
    },
    reject(key, error) {
      for (const waiter of take(key)) waiter.reject(error);
    },
    rejectAll(error) {
      for (const key of [...byKey.keys()]) {
        for (const waiter of take(key)) waiter.reject(error);
      }
    },
  };
}
