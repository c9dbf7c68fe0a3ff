/**
 * What a sign-in costs Redis (issue 17, item 8): this app's session store beside the
 * SDK's documented Redis store, both holding the same real-shaped sessions
 * (makeSignInSession: the local provider's token shapes, about 2.1 KB of JSON each), in
 * one run on one private redis-server, flushed before each measurement so both start
 * from the same empty server.
 *
 * The documented store is the one the SDK's EXAMPLES.md ("Database sessions") sketches
 * for Redis, written here: the session as one JSON string, `SET … EX`, `GET`, `DEL`. It
 * has no index, so it cannot serve a back-channel logout, a user's list of sessions or
 * a cap; it is the floor, not a rival.
 *
 * Printed per sign-in, side by side: Redis memory (`INFO memory` used_memory after minus
 * before, and the sum of `MEMORY USAGE` over the keys made), keys, round trips (counted
 * by the client: one starts whenever a command is sent while none is in flight), the
 * commands the client sent and the commands the server ran (`INFO commandstats`, Lua's
 * own included); the same for a read; the median time of a sign-in and of a read over
 * alternating rounds; and where the bytes go, by kind of key.
 *
 * Run: `npm run bench:footprint` (needs redis-server). BENCH_SESSIONS sets how many
 * sessions the memory is measured over (default 10,000).
 */
import { randomBytes } from "node:crypto";
import type { SessionData } from "@auth0/nextjs-auth0/types";
import { Redis } from "ioredis";
import { startPrivateServer } from "../dev/harness/redis-provider";
import { makeSignInSession } from "../dev/harness/session-fixtures";
import { measureSessionMemory, type SessionMemory } from "../dev/harness/session-memory";
import {
  describeDevice,
  RedisSessionStore,
  sessionKeysFor,
  withSignInDevice,
} from "../lib/shared";

/** The targets of issue 17, item 8. */
const targets = {
  /** Memory per sign-in, this store over the documented one holding the same tokens. */
  memoryRatio: 1.25,
  /** Round trips per sign-in must be fewer than main's before the change. */
  roundTripsBefore: 4,
} as const;

const sessionsForMemory = Number(process.env.BENCH_SESSIONS ?? 10_000);
const sequentialSignIns = 200;
const rounds = 9;
const signInsPerRound = 100;
/** The app's defaults: REDIS_KEY_PREFIX, and the session lifetimes (3 days, 1 day). */
const prefix = "auth0:";
const lifetime = {
  rolling: true,
  absoluteDuration: 3 * 86_400,
  inactivityDuration: 86_400,
};
/** An Auth0 tenant's issuer, in the keys and in the tokens. */
const issuer = "https://my-tenant.eu.auth0.com/";
const signInSession = (i: number) => makeSignInSession(i, { issuer });

/** The device a real sign-in records (a desktop Chrome), as the callback does. */
const device = describeDevice(
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  "198.51.100.7",
);

interface Store {
  get(id: string): Promise<SessionData | null>;
  set(id: string, session: SessionData): Promise<void>;
}

/** The SDK's documented Redis store (EXAMPLES.md, "Database sessions"), in our words. */
class DocumentedRedisStore implements Store {
  constructor(private readonly redis: Redis) {}

  private key(id: string): string {
    return `${prefix}session:${id}`;
  }

  async get(id: string): Promise<SessionData | null> {
    const json = await this.redis.get(this.key(id));
    return json === null ? null : (JSON.parse(json) as SessionData);
  }

  async set(id: string, session: SessionData): Promise<void> {
    const ttl = lifetime.inactivityDuration;
    await this.redis.set(this.key(id), JSON.stringify(session), "EX", ttl);
  }

  async delete(id: string): Promise<void> {
    await this.redis.del(this.key(id));
  }
}

type Contender = "documented" | "ours";
const contenders: readonly Contender[] = ["documented", "ours"];

/**
 * A store of each kind on `redis`, both under the app's default key prefix (each is
 * measured on a flushed server); ours signs in from `device`, as the callback does.
 */
function storeOf(contender: Contender, redis: Redis): { store: Store; prefix: string } {
  if (contender === "documented")
    return { store: new DocumentedRedisStore(redis), prefix };
  const store = new RedisSessionStore({
    redis,
    keys: sessionKeysFor(prefix),
    lifetime,
  });
  return {
    prefix,
    store: {
      get: (id) => store.get(id),
      set: (id, session) => withSignInDevice(device, () => store.set(id, session)),
    },
  };
}

/** Counts what a client sends: commands, and round trips (sends while none is in flight). */
function countTraffic(redis: Redis): { roundTrips: number; commands: number } {
  const counts = { roundTrips: 0, commands: 0 };
  let inFlight = 0;
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command, stream) => {
    counts.commands += 1;
    if (inFlight++ === 0) counts.roundTrips += 1;
    const settle = () => {
      inFlight -= 1;
    };
    command.promise.then(settle, settle);
    return send(command, stream);
  };
  return counts;
}

/** Commands the server has run so far (Lua's own included), INFO itself excluded. */
async function commandsRun(admin: Redis): Promise<number> {
  const info = await admin.info("commandstats");
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) {
    if (match[1] !== "info") total += Number(match[2]);
  }
  return total;
}

interface Traffic {
  roundTrips: number;
  clientCommands: number;
  serverCommands: number;
}

/** Per operation: `count` sign-ins one after another, then a read of each. */
async function measureTraffic(
  contender: Contender,
  url: string,
  admin: Redis,
  count: number,
): Promise<{ signIn: Traffic; read: Traffic }> {
  const redis = new Redis(url);
  try {
    const { store } = storeOf(contender, redis);
    // Warm-up: the Lua scripts get loaded (EVALSHA's first miss is not a sign-in's cost).
    await store.set(randomBytes(16).toString("hex"), signInSession(-1));
    const counts = countTraffic(redis);
    const measure = async (run: () => Promise<void>): Promise<Traffic> => {
      const [trips, sent, ran] = [
        counts.roundTrips,
        counts.commands,
        await commandsRun(admin),
      ];
      await run();
      return {
        roundTrips: (counts.roundTrips - trips) / count,
        clientCommands: (counts.commands - sent) / count,
        // The one INFO the measurement itself sent is not counted (INFO is excluded).
        serverCommands: ((await commandsRun(admin)) - ran) / count,
      };
    };
    const ids = Array.from({ length: count }, () => randomBytes(16).toString("hex"));
    const signIn = await measure(async () => {
      for (const [i, id] of ids.entries()) await store.set(id, signInSession(i));
    });
    const read = await measure(async () => {
      for (const id of ids) {
        if ((await store.get(id)) === null) throw new Error(`${contender}: no session`);
      }
    });
    return { signIn, read };
  } finally {
    await redis.quit();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median µs per sign-in and per read, over rounds that alternate which store goes first. */
async function measureTimes(
  url: string,
): Promise<Record<Contender, { signIn: number; read: number }>> {
  const redis = new Redis(url);
  const samples = Object.fromEntries(
    contenders.map((c) => [c, { signIn: [] as number[], read: [] as number[] }]),
  ) as Record<Contender, { signIn: number[]; read: number[] }>;
  try {
    const stores = Object.fromEntries(
      contenders.map((c) => [c, storeOf(c, redis).store]),
    ) as Record<Contender, Store>;
    const sessions = Array.from({ length: signInsPerRound }, (_, i) => signInSession(i));
    for (let round = -1; round < rounds; round++) {
      const order = round % 2 === 0 ? contenders : [...contenders].reverse();
      for (const contender of order) {
        const store = stores[contender];
        const ids = sessions.map(() => randomBytes(16).toString("hex"));
        let start = process.hrtime.bigint();
        for (const [i, id] of ids.entries()) await store.set(id, sessions[i]!);
        const signIn = Number(process.hrtime.bigint() - start) / 1e3 / ids.length;
        start = process.hrtime.bigint();
        for (const id of ids) await store.get(id);
        const read = Number(process.hrtime.bigint() - start) / 1e3 / ids.length;
        if (round >= 0) {
          samples[contender].signIn.push(signIn);
          samples[contender].read.push(read);
        }
      }
    }
    return Object.fromEntries(
      contenders.map((c) => [
        c,
        { signIn: median(samples[c].signIn), read: median(samples[c].read) },
      ]),
    ) as Record<Contender, { signIn: number; read: number }>;
  } finally {
    await redis.quit();
  }
}

const whole = (n: number) => Math.round(n).toLocaleString("en");
const oneDecimal = (n: number) => n.toFixed(1);
const ratio = (ours: number, documented: number) => `${(ours / documented).toFixed(2)}×`;

function row(label: string, documented: string, ours: string, note = ""): void {
  console.log(
    `${label.padEnd(40)}${documented.padStart(12)}${ours.padStart(12)}   ${note}`,
  );
}

/** The sessions memory is measured over: the i-th of each population. */
const populations = [
  {
    label: "as signed in at the local provider",
    sessionFor: (i: number) => makeSignInSession(i, { issuer }),
  },
  {
    // Redis' allocator rounds a 2-3 KB string up to a multiple of 512 bytes: sizes
    // spread over one such step show what a few bytes more or less cost on average.
    label: "sizes spread over 512 bytes (0-22 roles)",
    sessionFor: (i: number) => makeSignInSession(i, { issuer, roles: i % 23 }),
  },
] as const;

async function main(): Promise<void> {
  const server = await startPrivateServer();
  const admin = new Redis(server.url);
  try {
    const memory = populations.map(() => ({}) as Record<Contender, SessionMemory>);
    const traffic = {} as Record<Contender, { signIn: Traffic; read: Traffic }>;
    for (const contender of contenders) {
      for (const [p, population] of populations.entries()) {
        await admin.flushall();
        memory[p]![contender] = await measureSessionMemory(
          server.url,
          sessionsForMemory,
          {
            sessionFor: population.sessionFor,
            store: (redis) => storeOf(contender, redis),
          },
        );
      }
      await admin.flushall();
      traffic[contender] = await measureTraffic(
        contender,
        server.url,
        admin,
        sequentialSignIns,
      );
    }
    await admin.flushall();
    const times = await measureTimes(server.url);
    const sample = JSON.stringify(signInSession(sessionsForMemory)).length;

    let met = true;
    console.log(
      `Per sign-in: memory over ${whole(sessionsForMemory)} sessions of real shape (~${whole(sample)} bytes of JSON at the local provider), one user each; traffic over ${sequentialSignIns} sign-ins one at a time`,
    );
    row("", "documented", "ours", "ours / documented");
    for (const [p, population] of populations.entries()) {
      const { documented: d, ours: o } = memory[p]!;
      const memoryRatio = o.usedMemoryPerSession / d.usedMemoryPerSession;
      met &&= memoryRatio <= targets.memoryRatio;
      console.log(`memory, ${population.label}:`);
      row(
        "  used_memory delta, bytes",
        whole(d.usedMemoryPerSession),
        whole(o.usedMemoryPerSession),
        `${ratio(o.usedMemoryPerSession, d.usedMemoryPerSession)}  target ≤ ${targets.memoryRatio}×: ${memoryRatio <= targets.memoryRatio ? "met" : "MISSED"}`,
      );
      row(
        "  MEMORY USAGE sum, bytes",
        whole(d.memoryUsagePerSession),
        whole(o.memoryUsagePerSession),
        ratio(o.memoryUsagePerSession, d.memoryUsagePerSession),
      );
      row("  keys", oneDecimal(d.keysPerSession), oneDecimal(o.keysPerSession));
    }
    const tripsOk = traffic.ours.signIn.roundTrips < targets.roundTripsBefore;
    met &&= tripsOk;
    for (const op of ["signIn", "read"] as const) {
      const [td, to] = [traffic.documented[op], traffic.ours[op]];
      console.log(`${op === "signIn" ? "a sign-in" : "a read"}:`);
      row(
        "  round trips",
        oneDecimal(td.roundTrips),
        oneDecimal(to.roundTrips),
        op === "signIn"
          ? `target < ${targets.roundTripsBefore} (main before): ${tripsOk ? "met" : "MISSED"}`
          : "",
      );
      row(
        "  commands sent",
        oneDecimal(td.clientCommands),
        oneDecimal(to.clientCommands),
      );
      row(
        "  commands run (Lua's included)",
        oneDecimal(td.serverCommands),
        oneDecimal(to.serverCommands),
      );
      row(
        `  median µs (${rounds} alternating rounds)`,
        whole(times.documented[op]),
        whole(times.ours[op]),
        ratio(times.ours[op], times.documented[op]),
      );
    }
    console.log(
      `\nWhere the bytes go, ${populations[0].label} (MEMORY USAGE per key, mean):`,
    );
    for (const contender of contenders) {
      for (const kind of memory[0]![contender].keyKinds) {
        console.log(
          `  ${contender.padEnd(11)}${kind.kind.padEnd(10)}${oneDecimal(kind.keysPerSession).padStart(5)} per sign-in ${whole(kind.bytesPerKey).padStart(7)} bytes  ${kind.encodings.join(", ")}`,
        );
      }
    }
    if (!met) process.exitCode = 1;
  } finally {
    await admin.quit();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
