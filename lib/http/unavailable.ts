// What every 503 of this app carries, in a module without side effects, so that code
// tested without the app's configuration (the back-channel logout handler) can use it.

/** How soon a client may try again after any 503 of this app. */
export const retryAfterSeconds = 5;

/** What the app depends on that can be down. */
export type UnavailableService = "provider" | "session_store";

/** The headers of every 503: try again soon, and never keep this answer. */
export function unavailableHeaders(
  retryAfter: number = retryAfterSeconds,
): Record<string, string> {
  return { "Cache-Control": "no-store", "Retry-After": String(retryAfter) };
}
