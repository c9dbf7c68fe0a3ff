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
