/** Where an app error carries its code, the same symbol in every bundle of the app. */
const appErrorCode = Symbol.for("auth0-redis-sessions.errorCode");

/**
 * Every error the app raises on purpose, each with a stable `code`. Callers branch on
 * `instanceof` (or `findCause` for one wrapped by a library), never on message text.
 *
 * Next bundles the proxy, pages and API routes separately, so one error class can
 * exist twice in a process: a store created by one bundle throws what another bundle
 * catches. `instanceof` therefore compares the stable code, not the class object.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  /** The code of every instance of a concrete subclass. */
  static readonly code?: string;

  get [appErrorCode](): string {
    return this.code;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    const code = (value as { [appErrorCode]?: unknown })[appErrorCode];
    if (typeof code !== "string") return false;
    return this === AppError || code === this.code;
  }
}

/** One variable of the environment that does not describe a working app. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/** The environment does not describe a working app; lists every bad variable. */
export class ConfigError extends AppError {
  static override readonly code = "invalid_config";
  readonly code = ConfigError.code;
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
  static override readonly code = "session_store_unavailable";
  readonly code = SessionStoreUnavailableError.code;
  override readonly name = "SessionStoreUnavailableError";
  constructor(cause: unknown) {
    super("the session store is unavailable", { cause });
  }
}

/**
 * A login whose ID token was issued at or before a back-channel logout of its user (or
 * of its sid): the session is not kept, and the user is told to sign in again.
 */
export class LoginOvertakenError extends AppError {
  static override readonly code = "login_overtaken_by_logout";
  readonly code = LoginOvertakenError.code;
  override readonly name = "LoginOvertakenError";
  constructor(
    readonly sub: string,
    readonly reason: "user_logout" | "sid_logout",
  ) {
    super(`the sign-in was ended by a logout (${reason})`);
  }
}

/** Another instance held the token-refresh lock for longer than a caller may wait. */
export class SingleFlightTimeoutError extends AppError {
  static override readonly code = "single_flight_timeout";
  readonly code = SingleFlightTimeoutError.code;
  override readonly name = "SingleFlightTimeoutError";
  constructor() {
    super("waited too long for another instance to finish");
  }
}

/**
 * The provider's Management API could not be reached, timed out, or answered 5xx or 429:
 * nothing was decided, and the same call may succeed later.
 */
export class ProviderManagementUnavailableError extends AppError {
  static override readonly code = "provider_management_unavailable";
  readonly code = ProviderManagementUnavailableError.code;
  override readonly name = "ProviderManagementUnavailableError";
  constructor(cause: unknown) {
    super("the provider's Management API is unavailable", { cause });
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

/** Which of a session's parts belong to another user than its ID token's. */
export type SessionMismatch = "sub" | "sid" | "access_token";

/**
 * A session whose parts belong to different users or provider sessions (its `user.sub`,
 * its `sid` or an access token against its ID token): the store refuses to keep it, and
 * the sign-in that produced it ends with a 400. `subs` are the user ids involved, for the
 * log; no token is kept on the error.
 */
export class SessionMismatchError extends AppError {
  static override readonly code = "session_mismatch";
  readonly code = SessionMismatchError.code;
  override readonly name = "SessionMismatchError";
  constructor(
    readonly mismatch: SessionMismatch,
    readonly subs: readonly string[],
  ) {
    super(
      `the session's ${mismatch} belongs to another user or sign-in than its ID token`,
    );
  }
}
