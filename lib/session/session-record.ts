import type { SessionData } from "@auth0/nextjs-auth0/types";
import type { SignInDevice } from "./sign-in-device";

/**
 * A session as Redis keeps it: one string, a line of what the SDK's session does not
 * say, then the SDK's session as JSON (docs/decisions/0009):
 *
 *     <deadline> <activeAt> <tokenExpiresAt> <device> <browser> <os> <ip>
 *     {"user":{…},"tokenSet":{…},"internal":{…}}
 *
 * The numbers are epoch seconds, ten digits each, at fixed offsets: a read finds them
 * without parsing, and records activity by rewriting ten bytes in place (SETRANGE at
 * {@link activeAtOffset}). The device's fields are URI-encoded (empty when unknown), so
 * none holds a space or a newline. Whose session it is, its sid and its creation time
 * are the JSON's (`user.sub`, `internal`); which user's it is for the store is said by
 * the index that lists it. One string rather than a hash: a hash with a field over 64
 * bytes (the JSON is about 2 KB) is stored as a hashtable, about 800 bytes more.
 */
export interface SessionRecordHead {
  /** The absolute end (epoch seconds): the session is gone from then on. */
  deadline: number;
  /** The last recorded activity; moved at most once a minute. */
  activeAt: number;
  /** When the stored access token expires; 0 without one. */
  tokenExpiresAt: number;
  device: SignInDevice;
}

/** Where activeAt starts (0-based, for SETRANGE). */
export const activeAtOffset = 11;

/** Largest epoch second ten digits hold (the year 2286). */
const maxSeconds = 9_999_999_999;

function tenDigits(seconds: number): string {
  if (!(seconds >= 0 && seconds <= maxSeconds)) {
    throw new RangeError(`session record: ${seconds} is not epoch seconds`);
  }
  return String(Math.floor(seconds)).padStart(10, "0");
}

/** The stored form of a session: `head`, then `data` (the SDK's session, serialised). */
export function encodeSessionRecord(head: SessionRecordHead, data: string): string {
  const { device } = head;
  return `${[
    tenDigits(head.deadline),
    tenDigits(head.activeAt),
    tenDigits(head.tokenExpiresAt),
    ...[device.device, device.browser, device.os, device.ip].map(encodeURIComponent),
  ].join(" ")}\n${data}`;
}

/** A record's head and the SDK's session (still serialised); null if it is not one. */
export function decodeSessionRecord(
  record: string,
): { head: SessionRecordHead; data: string } | null {
  const newline = record.indexOf("\n");
  if (newline < 0) return null;
  const fields = record.slice(0, newline).split(" ");
  if (fields.length !== 7) return null;
  const [deadline, activeAt, tokenExpiresAt, ...texts] = fields;
  try {
    const [device, browser, os, ip] = texts.map(decodeURIComponent) as [
      string,
      string,
      string,
      string,
    ];
    return {
      head: {
        deadline: Number(deadline),
        activeAt: Number(activeAt),
        tokenExpiresAt: Number(tokenExpiresAt),
        device: { device, browser, os, ip },
      },
      data: record.slice(newline + 1),
    };
  } catch {
    return null;
  }
}

/**
 * A record's deadline and last activity, read at their fixed offsets (the read path
 * parses nothing else of the head); null if it is not a record.
 */
export function recordTimes(
  record: string,
): { deadline: number; activeAt: number } | null {
  const deadline = Number(record.slice(0, 10));
  const activeAt = Number(record.slice(activeAtOffset, activeAtOffset + 10));
  return Number.isInteger(deadline) && Number.isInteger(activeAt) && record[10] === " "
    ? { deadline, activeAt }
    : null;
}

/**
 * Whose session the SDK's JSON is (`user.sub`), its sid ("" without one) and when it
 * was created; null if it is not one.
 */
export function signInOf(
  data: string,
): { sub: string; sid: string; createdAt: number } | null {
  try {
    const { user, internal } = JSON.parse(data) as SessionData;
    if (typeof user.sub !== "string") return null;
    return { sub: user.sub, sid: internal.sid ?? "", createdAt: internal.createdAt };
  } catch {
    return null;
  }
}

/** The SDK's session (serialised) in a record: the read path's only parse. */
export function sessionDataOf(record: string): string | null {
  const newline = record.indexOf("\n");
  return newline < 0 ? null : record.slice(newline + 1);
}

/**
 * The same format for the Lua commands, prepended to each that reads a record `v`:
 * the numbers at their offsets (nil when `v` is not a record), where activeAt is
 * rewritten in place, and `v` with new activity, token expiry and data (its deadline
 * and device kept).
 */
export const recordLua = `
local function recordDeadline(v) return tonumber(string.sub(v, 1, 10)) end
local function recordActiveAt(v) return tonumber(string.sub(v, 12, 21)) end
local function recordTokenExpiresAt(v) return tonumber(string.sub(v, 23, 32)) end
local function tenDigits(n) return string.format('%010d', math.max(0, math.min(n, 9999999999))) end
local activeAtOffset = ${activeAtOffset}
local function recordRewritten(v, activeAt, tokenExpiresAt, data)
  local newline = string.find(v, '\\n', 1, true)
  return string.sub(v, 1, 11) .. tenDigits(activeAt) .. ' ' .. tenDigits(tokenExpiresAt)
    .. string.sub(v, 33, newline) .. data
end
`;
