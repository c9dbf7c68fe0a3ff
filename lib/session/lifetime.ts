import type { SessionLifetime } from "../config";

/**
 * The moment (epoch seconds) a session stops being valid if it is written at `now`,
 * exactly as the SDK sets the cookie's max-age: with rolling sessions, the earlier of
 * the absolute deadline and `now + inactivityDuration`; without, the absolute one.
 */
export function sessionExpiresAt(
  createdAt: number,
  now: number,
  lifetime: SessionLifetime,
): number {
  const absoluteDeadline = createdAt + lifetime.absoluteDuration;
  if (!lifetime.rolling) return absoluteDeadline;
  return Math.min(absoluteDeadline, now + lifetime.inactivityDuration);
}

/**
 * Seconds left for a session written at `now`: the TTL its Redis key gets.
 * Zero or less means the session is over and must not be written.
 */
export function sessionSecondsLeft(
  createdAt: number,
  now: number,
  lifetime: SessionLifetime,
): number {
  return sessionExpiresAt(createdAt, now, lifetime) - now;
}

/** The current time in whole epoch seconds, as the SDK counts it. */
export function epochSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
