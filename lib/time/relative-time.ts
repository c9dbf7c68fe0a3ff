const millisecondsPerDay = 86_400_000;
/** Beyond this many days either way, a date says more than "in 23 days". */
const daysToSpeakOfRelatively = 7;
const locale = "en-GB";

/** How an instant is put into words. */
export interface RelativeTimeOptions {
  /** The instant to speak from, in epoch milliseconds (the server's, when rendered there). */
  now: number;
  /**
   * The IANA time zone of the reader: it decides where "today" ends and which clock
   * time is shown.
   * @default "UTC"
   */
  timeZone?: string;
  /**
   * `"minute"` says "today at 14:05"; `"day"` says "today" (for calendar dates, such as
   * an invoice's issue date).
   * @default "minute"
   */
  precision?: "minute" | "day";
}

/**
 * `instant` in the words a person uses, seen from `now`: "today at 14:05", "yesterday
 * at 09:30", "tomorrow at 08:00", "in 2 days", "3 days ago"; further away than a week,
 * the date ("14 March 2025"). Days are calendar days in `timeZone`, so 23:59 and 00:01
 * are a day apart. Pure: the same arguments always give the same words.
 */
export function formatRelativeTime(
  instant: number,
  { now, timeZone = "UTC", precision = "minute" }: RelativeTimeOptions,
): string {
  const days = calendarDayNumber(instant, timeZone) - calendarDayNumber(now, timeZone);
  const at =
    precision === "minute"
      ? ` at ${formatterFor("clock", timeZone).format(instant)}`
      : "";
  if (Math.abs(days) <= 1) return `${dayWords.format(days, "day")}${at}`;
  if (Math.abs(days) > daysToSpeakOfRelatively) {
    return formatterFor("date", timeZone).format(instant);
  }
  return countWords.format(days, "day");
}

/** "today", "yesterday", "tomorrow". */
const dayWords = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
/** "in 2 days", "3 days ago", "1 hour ago": always a number, as a count is meant. */
const countWords = new Intl.RelativeTimeFormat(locale, { numeric: "always" });

/**
 * The exact instant for a tooltip, e.g. "Friday, 14 March 2025 at 14:05:09 UTC", or only
 * the date with `precision: "day"`.
 */
export function formatExactTime(
  instant: number,
  { timeZone = "UTC", precision = "minute" }: Omit<RelativeTimeOptions, "now"> = {},
): string {
  return formatterFor(precision === "minute" ? "exact" : "fullDate", timeZone).format(
    instant,
  );
}

/** Days since 1970-01-01 of the calendar day `instant` falls on in `timeZone`. */
function calendarDayNumber(instant: number, timeZone: string): number {
  const parts = formatterFor("calendarDay", timeZone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(part("year"), part("month") - 1, part("day")) / millisecondsPerDay;
}

const formats = {
  calendarDay: { year: "numeric", month: "numeric", day: "numeric" },
  clock: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
  date: { day: "numeric", month: "long", year: "numeric" },
  fullDate: { dateStyle: "full" },
  exact: { dateStyle: "full", timeStyle: "long", hourCycle: "h23" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

// Building a formatter costs far more than using one; a page formats many times.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(
  format: keyof typeof formats,
  timeZone: string,
): Intl.DateTimeFormat {
  const key = `${format} ${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, { ...formats[format], timeZone });
    formatters.set(key, formatter);
  }
  return formatter;
}

const elapsedUnits = [
  { seconds: 86_400, name: "day" },
  { seconds: 3_600, name: "hour" },
  { seconds: 60, name: "minute" },
] as const;

/**
 * How long ago `instant` was, in the largest whole unit: "just now" (under a minute),
 * "5 minutes ago", "1 hour ago", "3 days ago". For activity known to within a minute,
 * where a clock time would claim more than is known. Pure.
 */
export function formatElapsed(instant: number, now: number): string {
  const seconds = Math.max(0, Math.floor((now - instant) / 1000));
  for (const unit of elapsedUnits) {
    const count = Math.floor(seconds / unit.seconds);
    if (count >= 1) return countWords.format(-count, unit.name);
  }
  return "just now";
}
