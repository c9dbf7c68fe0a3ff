import { useSyncExternalStore } from "react";
import {
  formatElapsed,
  formatExactTime,
  formatRelativeTime,
} from "../lib/time/relative-time";

const neverChanges = () => () => {};
const readersTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
// The server cannot know the reader's zone; hydration starts from the same answer.
const serversTimeZone = () => "UTC";

/**
 * An instant in words ("today at 14:05", "in 2 days") inside `<time>`, whose `dateTime`
 * holds the exact value and whose `title` shows it in full. Server and first browser
 * render agree (same `now`, UTC); the browser then re-renders in the reader's time zone.
 */
export function RelativeTime({
  dateTime,
  now,
  kind = "instant",
  testId,
}: {
  /** ISO 8601, e.g. `2025-03-14T14:05:09.000Z`. */
  dateTime: string;
  /** The instant to speak from, epoch milliseconds: pass the server's from the page props. */
  now: number;
  /**
   * `"date"` for a calendar date kept as midnight UTC (an invoice's issue date): shown as
   * a day, in UTC, so that it never moves to the day before in the Americas.
   * `"elapsed"` for how long ago ("5 minutes ago"), for activity known to the minute.
   * @default "instant"
   */
  kind?: "instant" | "date" | "elapsed";
  testId?: string;
}) {
  const readersZone = useSyncExternalStore(
    neverChanges,
    readersTimeZone,
    serversTimeZone,
  );
  const instant = Date.parse(dateTime);
  const options =
    kind === "date"
      ? ({ timeZone: "UTC", precision: "day" } as const)
      : ({ timeZone: readersZone, precision: "minute" } as const);
  return (
    <time
      dateTime={dateTime}
      title={formatExactTime(instant, options)}
      data-testid={testId}
    >
      {kind === "elapsed"
        ? formatElapsed(instant, now)
        : formatRelativeTime(instant, { now, ...options })}
    </time>
  );
}
