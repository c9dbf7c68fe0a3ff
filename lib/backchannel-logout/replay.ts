import type { Redis } from "ioredis";
import type { LogoutClaims } from "./logout-token";
import { clockSkewSeconds } from "./logout-token";
import type { SessionKeys } from "../session/keys";

/**
 * Records a logout token's `jti` in Redis, shared by every app instance, for as long as
 * the token could still be accepted.
 * @returns `true` the first time a `jti` is seen, `false` for a replay.
 */
export async function recordLogoutTokenUse(
  redis: Redis,
  keys: SessionKeys,
  claims: LogoutClaims,
  now: number,
): Promise<boolean> {
  const ttl = Math.max(1, claims.exp - now + clockSkewSeconds);
  const set = await redis.set(
    keys.usedLogoutTokenId(claims.iss, claims.jti),
    "1",
    "EX",
    ttl,
    "NX",
  );
  return set === "OK";
}

/** Forgets a `jti` whose logout could not be carried out, so the provider may retry it. */
export async function forgetLogoutTokenUse(
  redis: Redis,
  keys: SessionKeys,
  claims: LogoutClaims,
): Promise<void> {
  await redis.del(keys.usedLogoutTokenId(claims.iss, claims.jti));
}
