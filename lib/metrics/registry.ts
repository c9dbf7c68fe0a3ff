import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import { processSingleton } from "../process-singleton";

// The app's Prometheus metrics, on one registry per process. Counting is an in-memory
// increment: it never adds a Redis call or waits for anything. Next bundles middleware,
// pages and API routes separately, each with its own copy of this module, so the
// registry and its metrics are one per process (processSingleton), whichever bundle
// counts and whichever serves /metrics (lib/metrics/server.ts).

/** How a `POST /auth/backchannel-logout` ended (lib/backchannel-logout/handler.ts). */
export const backchannelLogoutOutcomes = [
  "ended",
  "replayed",
  "invalid_token",
  "keys_unavailable",
  "store_unavailable",
] as const;
export type BackchannelLogoutOutcome = (typeof backchannelLogoutOutcomes)[number];

/** How a login's callback ended: its session stored, refused by a logout, or not. */
export const loginOutcomes = ["ok", "overtaken", "failed"] as const;
export type LoginOutcome = (typeof loginOutcomes)[number];

/** Who ended sessions: `/auth/logout`, the provider, the user, an admin, the per-user cap. */
export const sessionEndReasons = [
  "logout",
  "backchannel",
  "user",
  "admin",
  "cap",
] as const;
export type SessionEndReason = (typeof sessionEndReasons)[number];

/** A refresh of an expiring access token: done here, another's reused, or failed. */
export const tokenRefreshOutcomes = ["refreshed", "waited", "failed"] as const;
export type TokenRefreshOutcome = (typeof tokenRefreshOutcomes)[number];

/**
 * The plain (not Lua) commands the app times, each by its name: the store's, through
 * reachRedis (lib/session/store-context.ts), and the refresh lock's `set`. Listed so
 * that each series exists from the start; a Lua command is declared by luaCommand.
 */
export const plainRedisCommands = [
  "del",
  "get",
  "getdel",
  "set",
  "zmscore",
  "zrangebyscore",
  "zrem",
] as const;
export type PlainRedisCommand = (typeof plainRedisCommands)[number];

/**
 * Seconds. A command on a healthy Redis takes well under a millisecond to a few; the
 * store gives up on one after 2 s (lib/redis/timeouts.ts), so 2.5 s holds every answer.
 */
const redisCommandBuckets = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

function counterWithLabel(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  values: readonly string[],
): Counter<string> {
  const counter = new Counter({ name, help, labelNames: [label], registers: [registry] });
  // Every series exists from the start, at 0: a rate() or an alert on it needs no
  // first event to see the counter at all.
  for (const value of values) counter.inc({ [label]: value }, 0);
  return counter;
}

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const redisCommandSeconds = new Histogram({
    name: "redis_command_duration_seconds",
    help: "Duration of the app's Redis commands: each Lua command by its name, plain commands by theirs.",
    labelNames: ["command"],
    buckets: redisCommandBuckets,
    registers: [registry],
  });
  for (const command of plainRedisCommands) redisCommandSeconds.zero({ command });
  return {
    registry,
    redisCommandSeconds,
    backchannelLogouts: counterWithLabel(
      registry,
      "backchannel_logout_requests_total",
      "Back-channel logout requests, by how they ended.",
      "outcome",
      backchannelLogoutOutcomes,
    ),
    logins: counterWithLabel(
      registry,
      "logins_total",
      "Login callbacks, by outcome: ok (session stored), overtaken (refused: a logout was issued at or after its ID token), failed.",
      "outcome",
      loginOutcomes,
    ),
    sessionsEnded: counterWithLabel(
      registry,
      "sessions_ended_total",
      "Sessions ended, by who ended them.",
      "reason",
      sessionEndReasons,
    ),
    tokenRefreshes: counterWithLabel(
      registry,
      "token_refreshes_total",
      "Refreshes of an expiring access token, by outcome.",
      "outcome",
      tokenRefreshOutcomes,
    ),
  };
}

const metrics = processSingleton("metrics", createMetrics);

/** Counts one back-channel logout request. */
export function countBackchannelLogout(outcome: BackchannelLogoutOutcome): void {
  metrics.backchannelLogouts.inc({ outcome });
}

/** Counts one login callback. */
export function countLogin(outcome: LoginOutcome): void {
  metrics.logins.inc({ outcome });
}

/** Counts `count` sessions ended for `reason` (0 counts nothing). */
export function countSessionsEnded(reason: SessionEndReason, count: number): void {
  if (count > 0) metrics.sessionsEnded.inc({ reason }, count);
}

/** Counts one access-token refresh. */
export function countTokenRefresh(outcome: TokenRefreshOutcome): void {
  metrics.tokenRefreshes.inc({ outcome });
}

/** Makes Lua command `name`'s duration series exist, empty, before its first run. */
export function declareLuaCommand(name: string): void {
  metrics.redisCommandSeconds.zero({ command: name });
}

/**
 * Runs one plain Redis command and records how long it took, answered or failed, as
 * `redis_command_duration_seconds{command}`.
 */
export function timeRedisCommand<T>(
  command: PlainRedisCommand,
  call: () => Promise<T>,
): Promise<T> {
  return timed(command, call);
}

/** {@link timeRedisCommand} for a Lua command (see lib/redis/lua-command.ts), by name. */
export function timeLuaCommand<T>(name: string, call: () => Promise<T>): Promise<T> {
  return timed(name, call);
}

async function timed<T>(command: string, call: () => Promise<T>): Promise<T> {
  const done = metrics.redisCommandSeconds.startTimer({ command });
  try {
    return await call();
  } finally {
    done();
  }
}

/** The Prometheus text exposition of every metric of this process. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return {
    contentType: metrics.registry.contentType,
    body: await metrics.registry.metrics(),
  };
}
