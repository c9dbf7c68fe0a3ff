/**
 * Every error the app raises on purpose, each with a stable `code`. Callers branch on
 * `instanceof` (or `findCause` for one wrapped by a library), never on message text.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
}

/** One variable of the environment that does not describe a working app. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/** The environment does not describe a working app; lists every bad variable. */
export class ConfigError extends AppError {
  readonly code = "invalid_config";
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      [
        "Invalid configuration: fix these environment variables (see .env.example):",
        ...problems.map(({ variable, message }) => `  - ${variable} ${message}`),
      ].join("\n"),
    );
  }

  /** The error for one bad variable. */
  static of(variable: string, message: string): ConfigError {
    return new ConfigError([{ variable, message }]);
  }
}

/** Redis (or whatever keeps the sessions) could not be used: the answer is a 503. */
export class SessionStoreUnavailableError extends AppError {
  readonly code = "session_store_unavailable";
  override readonly name = "SessionStoreUnavailableError";
  constructor(cause: unknown) {
    super("the session store is unavailable", { cause });
  }
}

/** Another instance held the token-refresh lock for longer than a caller may wait. */
export class SingleFlightTimeoutError extends AppError {
  readonly code = "single_flight_timeout";
  override readonly name = "SingleFlightTimeoutError";
  constructor() {
    super("waited too long for another instance to finish");
  }
}

/**
 * `error` itself, or the first error of its `cause` chain, that is an instance of
 * `type`. The SDK wraps what a store throws (its `cause`), so a session-store outage
 * can arrive a level or two down.
 */
export function findCause<T extends Error>(
  error: unknown,
  type: abstract new (...args: never[]) => T,
): T | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof type) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True for an error that means "the session store is down", however deep it was wrapped. */
export function isSessionStoreUnavailable(error: unknown): boolean {
  return findCause(error, SessionStoreUnavailableError) !== undefined;
}
