/**
 * A value built on its first use instead of when its module is loaded.
 *
 * Why (issue 15): a zod schema costs real time to construct, and the
 * background constructs well over a hundred of them at start-up (tens of
 * milliseconds of CPU in a just-woken service worker, before it can answer
 * the popup). Each module-level schema (and each map of schemas) is therefore
 * declared as `lazy(() => z.object(...))`: the same type, the same object to
 * every caller, built the first time anything reads from it.
 *
 * Contract: `build` must return an object (a schema, or a plain object of
 * schemas) and must not depend on when it runs. The answer forwards reading,
 * `in`, key listing and property descriptors to the built value; it is not the
 * value itself (`===` against the built object, or `Array.isArray`, would
 * differ), so it is meant for schemas and records, never for arrays.
 * Framework-free: the portal (Node) imports the contract too.
 */
export function lazy<T extends object>(build: () => T): T {
  let built: T | undefined;
  const value = (): T => {
    built ??= build();
    return built;
  };
  return new Proxy({} as T, {
    get: (_target, key) => Reflect.get(value(), key),
    set: (_target, key, next) => Reflect.set(value(), key, next),
    has: (_target, key) => Reflect.has(value(), key),
    ownKeys: () => Reflect.ownKeys(value()),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(value(), key);
      // A proxy may report only configurable properties its (empty) target does not have.
      return descriptor ? { ...descriptor, configurable: true } : undefined;
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(value()),
  });
}

/**
 * A record whose entries are each built on their first use ({@link lazy}):
 * the keys are known at once, without building any entry (a map of message
 * verbs, where one message needs only its own schemas).
 */
export function lazyEach<T extends Record<string, () => object>>(
  builders: T,
): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const entries = Object.entries(builders).map(([key, build]) => [key, lazy(build)]);
  return Object.fromEntries(entries) as { readonly [K in keyof T]: ReturnType<T[K]> };
}
