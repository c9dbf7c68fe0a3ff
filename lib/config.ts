import { z } from "zod";
import { ConfigError, type ConfigProblem } from "./errors";
import {
  atLeast,
  booleanFlag,
  configProblems,
  defaultMetricsPort,
  domainProblem,
  httpUrl,
  isRedisUrl,
  metricsPortProblems,
  oneDayInSeconds,
  optionalText,
  portOrOff,
  positiveSeconds,
  required,
  threeDaysInSeconds,
} from "./config-fields";

/** The scope asked for when `AUTH0_SCOPE` is unset: a refresh token comes with it. */
export const DEFAULT_SCOPE = "openid profile email offline_access";

const envSchema = z.object({
  AUTH0_DOMAIN: required(
    "your tenant's domain (e.g. my-tenant.eu.auth0.com) or http://localhost:4000 for the local provider",
  ).superRefine((value, ctx) => {
    const problem = domainProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  AUTH0_CLIENT_ID: required("the Client ID of your Auth0 application"),
  AUTH0_CLIENT_SECRET: required("the Client Secret of your Auth0 application"),
  AUTH0_SECRET: z
    .string({ error: "is required: generate one with `openssl rand -hex 32`" })
    .min(32, {
      error:
        "must be at least 32 characters long; generate one with `openssl rand -hex 32`",
    }),
  APP_BASE_URL: httpUrl("http://localhost:3000"),
  AUTH0_AUDIENCE: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : undefined)),
  AUTH0_SCOPE: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : DEFAULT_SCOPE))
    .refine((value) => value.split(/\s+/).includes("openid"), {
      error: 'must include "openid"',
    }),
  INVOICES_API_URL: httpUrl("http://localhost:5000")
    .optional()
    .transform((value) => value ?? "http://localhost:5000"),
  REDIS_URL: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : undefined))
    .refine((value) => value === undefined || isRedisUrl(value), {
      error: "must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379",
    }),
  REDIS_CLUSTER_NODES: z
    .string()
    .trim()
    .optional()
    .transform((value) =>
      value
        ? value
            .split(",")
            .map((node) => node.trim())
            .filter(Boolean)
        : undefined,
    )
    .refine(
      (nodes) => nodes === undefined || (nodes.length > 0 && nodes.every(isRedisUrl)),
      {
        error:
          "must be comma-separated redis:// URLs of cluster nodes, e.g. redis://10.0.0.1:6379,redis://10.0.0.2:6379",
      },
    ),
  REDIS_KEY_PREFIX: z
    .string()
    .optional()
    .transform((value) => (value ? value : "auth0:"))
    .refine((value) => /^[\w.:-]{1,64}$/.test(value), {
      error: "may hold only letters, digits and . _ : - (at most 64 characters)",
    }),
  REDIS_ACCEPT_EVICTION: booleanFlag(false),
  AUTH0_SESSION_ROLLING: booleanFlag(true),
  AUTH0_SESSION_ABSOLUTE_DURATION: positiveSeconds(threeDaysInSeconds),
  AUTH0_SESSION_INACTIVITY_DURATION: positiveSeconds(oneDayInSeconds),
  AUTH0_ENABLE_ACCESS_TOKEN_ENDPOINT: booleanFlag(false),
  AUTH0_REAUTH_MAX_AGE: positiveSeconds(600),
  AUTH0_ROLES_CLAIM: optionalText
    .transform((value) => value ?? "https://example.com/roles")
    .refine((value) => URL.canParse(value), {
      error: "must be a namespaced claim name, a URL such as https://example.com/roles",
    }),
  AUTH0_MAX_SESSIONS_PER_USER: atLeast(1, 5),
  TRUST_PROXY: atLeast(0, 1),
  AUTH0_MGMT_CLIENT_ID: optionalText,
  AUTH0_MGMT_CLIENT_SECRET: optionalText,
  METRICS_PORT: portOrOff(defaultMetricsPort),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .optional()
    .default("info"),
});

/** The validated configuration of the app. */
/** Where the sessions live: one Redis (or a Sentinel-fronted primary), or a Redis Cluster. */
export type RedisTarget =
  | { kind: "single"; url: string; keyPrefix: string }
  | { kind: "cluster"; nodes: string[]; keyPrefix: string };

/** Where the sessions live, and what this app accepts of that Redis. */
export type RedisConfig = RedisTarget & {
  /**
   * Serve even when Redis may evict keys (`maxmemory-policy` other than `noeviction`),
   * from `REDIS_ACCEPT_EVICTION=true`. An evicted session index makes a back-channel
   * logout miss that user's sessions and still answer 200, so `/api/ready` answers 503
   * on an evicting Redis unless this accepts the risk; then each start logs a warning.
   * @default false
   */
  acceptEviction: boolean;
};

export interface AppConfig {
  auth0: {
    /** As given: a bare domain, or an origin URL for a local provider. */
    domain: string;
    clientId: string;
    clientSecret: string;
    secret: string;
    appBaseUrl: string;
    audience: string | undefined;
    scope: string;
    /** True only for an `http://` domain: a local provider, never a real tenant. */
    allowInsecureRequests: boolean;
    enableAccessTokenEndpoint: boolean;
    /**
     * The machine-to-machine application that calls the provider's Management API (to end
     * a provider session), from `AUTH0_MGMT_CLIENT_ID` and `AUTH0_MGMT_CLIENT_SECRET`.
     * @default undefined: both unset, the Management API is not used
     */
    management?: { clientId: string; clientSecret: string };
  };
  session: SessionLifetime;
  /** What users (and administrators) may do with sessions: /sessions, /admin/sessions. */
  sessions: SessionPolicy;
  /**
   * How many reverse proxies in front of the app append to `X-Forwarded-For`; the
   * client's address is the one the outermost trusted proxy saw. 0: the socket's peer.
   * @default 0
   */
  trustProxy: number;
  redis: RedisConfig;
  /** The sample API the app calls for the user (invoices-api/). */
  invoicesApiUrl: string;
  /** Prometheus' own `/metrics` listener (METRICS_PORT); undefined: off. @default 9464 */
  metricsPort: number | undefined;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

export interface SessionPolicy {
  /** Ending sessions needs a sign-in at most this old (seconds, `auth_time`). @default 600 */
  reauthMaxAge: number;
  /** The ID token claim listing the user's roles; `admin` opens /admin/sessions. */
  rolesClaim: string;
  /**
   * At most this many sessions per user: a new sign-in beyond it ends the least
   * recently active. @default undefined (unlimited)
   */
  maxSessionsPerUser: number | undefined;
}

/** How long a session lives, in seconds, as the SDK computes it. */
export interface SessionLifetime {
  /** @default true */
  rolling: boolean;
  /** @default 259200 (3 days) */
  absoluteDuration: number;
  /** @default 86400 (1 day) */
  inactivityDuration: number;
}

/**
 * Validates `env` and returns the app's configuration.
 * @throws {ConfigError} naming every variable that is missing or wrong.
 */
export function parseConfig(
  env: Readonly<Record<string, string | undefined>>,
): AppConfig {
  const result = envSchema.safeParse(env);
  const problems = result.success ? [] : configProblems(result.error);
  if (!env.REDIS_URL?.trim() && !env.REDIS_CLUSTER_NODES?.trim()) {
    problems.push({
      variable: "REDIS_URL",
      message:
        "is required, e.g. redis://127.0.0.1:6379 (or set REDIS_CLUSTER_NODES for a Redis Cluster)",
    });
  }
  problems.push(...managementPairProblems(env), ...metricsPortProblems(env));
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  const e = result.data;
  return {
    auth0: {
      domain: e.AUTH0_DOMAIN,
      clientId: e.AUTH0_CLIENT_ID,
      clientSecret: e.AUTH0_CLIENT_SECRET,
      secret: e.AUTH0_SECRET,
      appBaseUrl: e.APP_BASE_URL,
      audience: e.AUTH0_AUDIENCE,
      scope: e.AUTH0_SCOPE,
      allowInsecureRequests: e.AUTH0_DOMAIN.toLowerCase().startsWith("http://"),
      enableAccessTokenEndpoint: e.AUTH0_ENABLE_ACCESS_TOKEN_ENDPOINT,
      ...(e.AUTH0_MGMT_CLIENT_ID && e.AUTH0_MGMT_CLIENT_SECRET
        ? {
            management: {
              clientId: e.AUTH0_MGMT_CLIENT_ID,
              clientSecret: e.AUTH0_MGMT_CLIENT_SECRET,
            },
          }
        : {}),
    },
    session: {
      rolling: e.AUTH0_SESSION_ROLLING,
      absoluteDuration: e.AUTH0_SESSION_ABSOLUTE_DURATION,
      inactivityDuration: e.AUTH0_SESSION_INACTIVITY_DURATION,
    },
    sessions: {
      reauthMaxAge: e.AUTH0_REAUTH_MAX_AGE,
      rolesClaim: e.AUTH0_ROLES_CLAIM,
      maxSessionsPerUser: e.AUTH0_MAX_SESSIONS_PER_USER,
    },
    trustProxy: e.TRUST_PROXY ?? 0,
    redis: {
      ...(e.REDIS_CLUSTER_NODES
        ? { kind: "cluster", nodes: e.REDIS_CLUSTER_NODES, keyPrefix: e.REDIS_KEY_PREFIX }
        : { kind: "single", url: e.REDIS_URL!, keyPrefix: e.REDIS_KEY_PREFIX }),
      acceptEviction: e.REDIS_ACCEPT_EVICTION,
    },
    invoicesApiUrl: e.INVOICES_API_URL.replace(/\/$/, ""),
    metricsPort: e.METRICS_PORT,
    logLevel: e.LOG_LEVEL,
  };
}

// `next build` imports page modules to collect page data; no request is served
// then and no secret should be needed to build an image, so the build sees
// placeholders instead of the real environment.
const buildPhasePlaceholders: Record<string, string> = {
  AUTH0_DOMAIN: "build.invalid",
  AUTH0_CLIENT_ID: "build",
  AUTH0_CLIENT_SECRET: "build",
  AUTH0_SECRET: "build-time-placeholder-never-used-for-requests",
  APP_BASE_URL: "http://localhost:3000",
  REDIS_URL: "redis://127.0.0.1:6379",
};

let cached: AppConfig | undefined;

/**
 * The configuration of this process, validated once.
 * @throws {ConfigError} when the environment is invalid.
 */
export function getConfig(): AppConfig {
  cached ??= parseConfig(
    process.env.NEXT_PHASE === "phase-production-build"
      ? buildPhasePlaceholders
      : process.env,
  );
  return cached;
}

/** The Management API's credentials come as a pair: one without the other is a mistake. */
function managementPairProblems(
  env: Readonly<Record<string, string | undefined>>,
): ConfigProblem[] {
  const id = Boolean(env.AUTH0_MGMT_CLIENT_ID?.trim());
  const secret = Boolean(env.AUTH0_MGMT_CLIENT_SECRET?.trim());
  if (id === secret) return [];
  const [missing, given] = id
    ? ["AUTH0_MGMT_CLIENT_SECRET", "AUTH0_MGMT_CLIENT_ID"]
    : ["AUTH0_MGMT_CLIENT_ID", "AUTH0_MGMT_CLIENT_SECRET"];
  return [
    {
      variable: missing,
      message: `is required when ${given} is set: the Management API application needs both (or unset ${given})`,
    },
  ];
}
