import {
  createLocalJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from "jose";
import { AppError } from "../errors";

/**
 * How soon after one load of the provider's key set a token signed with a key not in it
 * may cause the next load. Short, so that a key the provider has just started using is
 * accepted within seconds: a provider that retries after the `Retry-After` it is given
 * gets in at most this long after the first such token. Not zero, so that a flood of
 * tokens with made-up `kid`s costs the provider at most one request per this long.
 */
export const keySetReloadCooldownMs = 5_000;

/**
 * How long a loaded key set is trusted before it is loaded again: a key the provider has
 * withdrawn is still accepted for at most this long (jose's own default for remote sets).
 */
export const keySetMaxAgeMs = 10 * 60_000;

/** One request to the provider (discovery or key set) gives up after this long. */
export const providerRequestTimeoutMs = 5_000;

/**
 * The token names a key that the key set, as last loaded, lacks, and the set was loaded
 * too recently to load it again: the key may be one the provider has just started to
 * use. Not a verdict on the token; ask again after `retryAfterSeconds`.
 */
export class SigningKeyNotYetKnownError extends AppError {
  static override readonly code = "signing_key_not_yet_known";
  readonly code = SigningKeyNotYetKnownError.code;
  override readonly name = "SigningKeyNotYetKnownError";
  constructor(
    /** Whole seconds, at least 1, until the key set may be loaded again. */
    readonly retryAfterSeconds: number,
  ) {
    super(
      `provider keys: no key matches the token and the key set may be loaded again in ${retryAfterSeconds} s`,
    );
  }
}

export interface KeySetOptions {
  /** @default keySetReloadCooldownMs */
  reloadCooldownMs?: number;
  /** @default keySetMaxAgeMs */
  maxAgeMs?: number;
  /** @default providerRequestTimeoutMs */
  timeoutMs?: number;
  /** Milliseconds since the epoch; injected so tests can move time. @default Date.now */
  now?: () => number;
}

interface LoadedKeySet {
  getKey: ReturnType<typeof createLocalJWKSet>;
  /** When the request that read it began: what the set says is true from then on. */
  startedAt: number;
}

/**
 * The provider's signing keys, read from `jwksUri()` and following key rotation: a
 * token whose key is not in the set makes it load the set again at once, unless it was
 * loaded less than `reloadCooldownMs` ago. One load is in flight at a time; a failed
 * load is not remembered, so the next token tries again. The answer for a key not in
 * the set tells the two cases apart:
 *
 * - the set was loaded after the token arrived: jose's `JWKSNoMatchingKey` (the
 *   provider does not have that key; the token is not its own);
 * - it was not, and may not be loaded yet: {@link SigningKeyNotYetKnownError}.
 *
 * The keys are imported by jose (`createLocalJWKSet`); this only decides when to load.
 */
export function rotatingKeySet(
  jwksUri: () => Promise<URL>,
  options: KeySetOptions = {},
): JWTVerifyGetKey {
  const cooldownMs = options.reloadCooldownMs ?? keySetReloadCooldownMs;
  const maxAgeMs = options.maxAgeMs ?? keySetMaxAgeMs;
  const timeoutMs = options.timeoutMs ?? providerRequestTimeoutMs;
  const now = options.now ?? Date.now;

  let current: LoadedKeySet | undefined;
  let loading: Promise<LoadedKeySet> | undefined;
  let lastLoadStartedAt = Number.NEGATIVE_INFINITY;

  const load = (): Promise<LoadedKeySet> => {
    if (loading) return loading;
    const startedAt = now();
    lastLoadStartedAt = startedAt;
    const attempt = (async (): Promise<LoadedKeySet> => {
      const keySet = await fetchKeySet(await jwksUri(), timeoutMs);
      // jose checks the shape and imports the keys; a malformed set fails the load.
      current = { getKey: createLocalJWKSet(keySet), startedAt };
      return current;
    })();
    loading = attempt;
    // Success or failure, the next load may start; a failure is not remembered.
    const settle = () => {
      if (loading === attempt) loading = undefined;
    };
    void attempt.then(settle, settle);
    return attempt;
  };

  const usable = (): Promise<LoadedKeySet> =>
    current && now() - current.startedAt < maxAgeMs ? Promise.resolve(current) : load();

  return async (protectedHeader, token) => {
    const arrivedAt = now();
    for (;;) {
      const keySet = await usable();
      try {
        return await keySet.getKey(protectedHeader, token);
      } catch (error) {
        if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
        // Read after the token arrived: the provider had no such key when it sent it.
        if (keySet.startedAt >= arrivedAt) throw error;
        if (loading) {
          await loading;
          continue;
        }
        const waitMs = lastLoadStartedAt + cooldownMs - now();
        if (waitMs > 0) {
          throw new SigningKeyNotYetKnownError(Math.max(1, Math.ceil(waitMs / 1000)));
        }
        await load();
      }
    }
  };
}

async function fetchKeySet(uri: URL, timeoutMs: number): Promise<JSONWebKeySet> {
  const response = await fetch(uri, {
    signal: AbortSignal.timeout(timeoutMs),
    headers: { accept: "application/json" },
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`provider keys: ${uri.href} answered ${response.status}`);
  }
  return (await response.json()) as JSONWebKeySet;
}
