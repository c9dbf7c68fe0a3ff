import { getConfig } from "../config";
import { log } from "../log";
import { countSessionsEnded } from "../metrics/registry";
import { processSingleton } from "../process-singleton";
import { redis } from "../redis/client";
import { sessionKeysFor } from "./keys";
import { RedisSessionStore } from "./store";

const config = getConfig();

/** The builders of every Redis key the app writes. */
export const sessionKeys = sessionKeysFor(config.redis.keyPrefix);

/** The sessions of this app, in Redis. */
export const sessionStore = processSingleton(
  "sessionStore",
  () =>
    new RedisSessionStore({
      redis,
      keys: sessionKeys,
      lifetime: config.session,
      maxSessionsPerUser: config.sessions.maxSessionsPerUser,
      onSessionLimit: (sub, sessionsEnded) => {
        countSessionsEnded("cap", sessionsEnded);
        log.info(
          {
            event: "sessions_ended",
            reason: "session_limit",
            actor: sub,
            target: sub,
            count: sessionsEnded,
          },
          "a new sign-in ended the least recently active sessions",
        );
      },
    }),
);
