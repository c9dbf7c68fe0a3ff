import { AsyncLocalStorage } from "node:async_hooks";
import { processSingleton } from "../process-singleton";

type Reads = Map<string, Promise<unknown>>;

// One per process: Next bundles pages, API routes and the proxy separately, and the
// scope a route opens must be the one the store (created by whichever bundle came
// first) looks in.
const scope = processSingleton("sessionReadScope", () => new AsyncLocalStorage<Reads>());

/**
 * Runs `handle` (one request) so that every read of the same session inside it shares
 * one answer: the SDK's guard (`withApiAuthRequired`, `withPageAuthRequired`), the
 * handler's own `getSession` and the token helper all ask for the session, and only the
 * first decrypts the cookie and asks Redis. Nested calls join the outer scope.
 */
export function withSharedSessionReads<T>(handle: () => T): T {
  return scope.getStore() ? handle() : scope.run(new Map(), handle);
}

/**
 * The request's earlier answer for `key`, or `read()` remembered for the rest of it.
 * Outside a request scope, `read()` every time. A failed read is not remembered.
 */
export function sharedSessionRead<T>(key: string, read: () => Promise<T>): Promise<T> {
  const reads = scope.getStore();
  if (!reads) return read();
  let pending = reads.get(key) as Promise<T> | undefined;
  if (!pending) {
    const started = read();
    pending = started;
    reads.set(key, started);
    started.catch(() => {
      if (reads.get(key) === started) reads.delete(key);
    });
  }
  return pending;
}

/**
 * Forgets what this request read, so the next read asks again: after any write of a
 * session, and while waiting for another instance to change it (the refresh lock).
 */
export function forgetSessionReads(): void {
  scope.getStore()?.clear();
}
