/**
 * Hand-written code on a hot path against the well-kept library that could replace it
 * (issue 17, "libraries where they serve as well"), measured side by side in one run:
 *
 * - reading the session cookie of a Cookie header, on every authenticated request:
 *   `readSessionCookies` (lib/http/session-cookies.ts) against `cookie`'s `parseCookie`
 *   and a lookup of the same name;
 * - the session cookie reader's bounded memory (lib/session/session-cookie.ts: a `Map`
 *   that drops its oldest entry when full) against `lru-cache`, a hit on every
 *   authenticated request and a miss with an eviction on every new cookie.
 *
 * Each pair runs in alternating rounds (A B, then B A) of a fixed number of calls; a
 * round gives one ratio, library time ÷ hand-written time (above 1: the library is
 * slower), and the median of the rounds is the figure, so a burst of other work on a
 * shared machine does not decide it.
 *
 * Run: `npx tsx bench/libraries.ts` (CPU only, about 20 s).
 */
import { createHash, randomBytes } from "node:crypto";
import { parseCookie } from "cookie";
import { LRUCache } from "lru-cache";
import { readSessionCookies } from "../lib/shared";

const rounds = 21;
const callsPerRound = 200_000;
const sessionCookieName = "__session";
/** As many entries as the session cookie reader remembers (its `defaultRemembered`). */
const remembered = 10_000;

interface Candidate {
  label: string;
  handWritten: () => void;
  library: () => void;
}

/** A session cookie as the app writes it: a compact JWE, about 330 characters. */
const sessionCookie = [32, 0, 22, 140, 22]
  .map((bytes) => randomBytes(bytes).toString("base64url"))
  .join(".");

const headers = {
  "only the session cookie": `${sessionCookieName}=${sessionCookie}`,
  "the session cookie among 5 others": [
    "_ga=GA1.1.1234567890.1712345678",
    "theme=dark",
    `${sessionCookieName}=${sessionCookie}`,
    "_gid=GA1.1.987654321.1712345678",
    "consent=analytics%3Dno%2Cads%3Dno",
    "lang=en-GB",
  ].join("; "),
  "5 other cookies, no session": [
    "_ga=GA1.1.1234567890.1712345678",
    "theme=dark",
    "_gid=GA1.1.987654321.1712345678",
    "consent=analytics%3Dno%2Cads%3Dno",
    "lang=en-GB",
  ].join("; "),
};

/** Keeps results alive so that no call is optimized away. */
let sink = 0;

const cookieCandidates: Candidate[] = Object.entries(headers).map(([label, header]) => ({
  label: `Cookie header, ${label}`,
  handWritten: () => {
    sink += readSessionCookies(header, sessionCookieName).accepted?.length ?? 0;
  },
  library: () => {
    sink += parseCookie(header)[sessionCookieName]?.length ?? 0;
  },
}));

const digest = (value: string) => createHash("sha256").update(value).digest("base64");
const keys = Array.from({ length: remembered * 2 }, (_, i) => digest(`cookie ${i}`));
const entry = { id: "session-id", exp: 0 };

/** The reader's memory as written: drop the oldest (first inserted) when full. */
function handWrittenMemory() {
  const known = new Map<string, typeof entry>();
  return {
    get: (key: string) => known.get(key),
    set: (key: string) => {
      if (known.size >= remembered) known.delete(known.keys().next().value!);
      known.set(key, entry);
    },
  };
}

function lruMemory() {
  const known = new LRUCache<string, typeof entry>({ max: remembered });
  return {
    get: (key: string) => known.get(key),
    set: (key: string) => void known.set(key, entry),
  };
}

/** A full memory, then hits on what it holds, or misses that each evict one. */
function memoryCandidate(kind: "hit" | "miss with eviction"): Candidate {
  const run = (memory: ReturnType<typeof handWrittenMemory>) => {
    for (const key of keys.slice(0, remembered)) memory.set(key);
    let i = 0;
    return kind === "hit"
      ? () => {
          sink += memory.get(keys[i++ % remembered]!) ? 1 : 0;
        }
      : () => {
          const key = keys[i++ % keys.length]!;
          if (!memory.get(key)) memory.set(key);
        };
  };
  return {
    label: `bounded memory of ${remembered} cookies, ${kind}`,
    handWritten: run(handWrittenMemory()),
    library: run(lruMemory()),
  };
}

function timeCalls(call: () => void): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < callsPerRound; i++) call();
  return Number(process.hrtime.bigint() - started);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(candidate: Candidate): {
  ratio: number;
  range: [number, number];
  nsPerCall: { handWritten: number; library: number };
} {
  timeCalls(candidate.handWritten);
  timeCalls(candidate.library);
  const ratios: number[] = [];
  const hand: number[] = [];
  const library: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const [first, second] =
      round % 2 === 0
        ? [candidate.handWritten, candidate.library]
        : [candidate.library, candidate.handWritten];
    const a = timeCalls(first);
    const b = timeCalls(second);
    const [handNs, libraryNs] = round % 2 === 0 ? [a, b] : [b, a];
    hand.push(handNs / callsPerRound);
    library.push(libraryNs / callsPerRound);
    ratios.push(libraryNs / handNs);
  }
  return {
    ratio: median(ratios),
    range: [Math.min(...ratios), Math.max(...ratios)],
    nsPerCall: { handWritten: median(hand), library: median(library) },
  };
}

function main(): void {
  console.log(
    `library ÷ hand-written time per call (median of ${rounds} alternating rounds of ${callsPerRound.toLocaleString("en")} calls; above 1: the library is slower)`,
  );
  console.log(
    `${"".padEnd(58)}${"ratio".padStart(7)}${"range".padStart(13)}${"hand ns".padStart(9)}${"lib ns".padStart(8)}`,
  );
  for (const candidate of [
    ...cookieCandidates,
    memoryCandidate("hit"),
    memoryCandidate("miss with eviction"),
  ]) {
    const { ratio, range, nsPerCall } = measure(candidate);
    console.log(
      `${candidate.label.padEnd(58)}${`${ratio.toFixed(2)}×`.padStart(7)}${`${range[0].toFixed(2)}–${range[1].toFixed(2)}`.padStart(13)}${nsPerCall.handWritten.toFixed(0).padStart(9)}${nsPerCall.library.toFixed(0).padStart(8)}`,
    );
  }
  if (sink === -1) console.log("unreachable");
}

main();
