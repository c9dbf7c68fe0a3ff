/** Redis (or whatever keeps the sessions) could not be used: the answer is a 503. */
export class SessionStoreUnavailableError extends Error {
  readonly code = "session_store_unavailable";
  constructor(cause: unknown) {
    super("the session store is unavailable", { cause });
    this.name = "SessionStoreUnavailableError";
  }
}

/** True for an error that means "the session store is down", however deep it was wrapped. */
export function isSessionStoreUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (
      typeof current === "object" &&
      (current as { code?: unknown }).code === "session_store_unavailable"
    ) {
      return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
