import { AsyncLocalStorage } from "node:async_hooks";
import { processSingleton } from "../process-singleton";

type Reads = Map<string, Promise<string | null>>;

// One per process: Next bundles pages, API routes and middleware separately, and the
// scope a route opens must be the one the store (created by whichever bundle came
// first) looks in.
const scope = processSingleton("sessionReadScope", () => new AsyncLocalStorage<Reads>());

/**
 * Runs `handle` (one request) so that every read of the same session inside it shares
 * one Redis round trip: the SDK's guard (`withApiAuthRequired`,
 * `withPageAuthRequired`), the handler's own `getSession` and the token helper all ask
 * for the session, and only the first asks Redis. Nested calls join the outer scope.
 */
export function withSharedSessionReads<T>(handle: () => T): T {
  return scope.getStore() ? handle() : scope.run(new Map(), handle);
}

/** The request's earlier read of `key`, or `read()` remembered for the rest of it. */
export function sharedSessionRead(
  key: string,
  read: () => Promise<string | null>,
): Promise<string | null> {
  const reads = scope.getStore();
  if (!reads) return read();
  let pending = reads.get(key);
  if (!pending) {
    pending = read();
    reads.set(key, pending);
    // A failed read is not remembered: the next asker tries Redis again.
    pending.catch(() => reads.delete(key));
  }
  return pending;
}

/**
 * Forgets what this request read, so the next read asks Redis: after a write, and when
 * waiting for another instance to change the session (the refresh lock).
 */
export function forgetSessionReads(key?: string): void {
  const reads = scope.getStore();
  if (!reads) return;
  if (key === undefined) reads.clear();
  else reads.delete(key);
}
