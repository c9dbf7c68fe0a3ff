import { z } from "zod";
import { ConfigError, type ConfigProblem } from "./errors";
import { domainFormProblem, isOriginUrl } from "./provider/issuer";
import { sdkDomainProblem } from "./sdk/provider";

// The kinds of field the environment is made of, each parsed once, with the message a
// wrong value gets (lib/config.ts puts them together; the development tools' servers
// read theirs with them too, through lib/shared.ts).

export const threeDaysInSeconds = 60 * 60 * 24 * 3;
export const oneDayInSeconds = 60 * 60 * 24;

export const httpUrl = (example: string) =>
  z
    .string({ error: `is required, e.g. ${example}` })
    .trim()
    .refine((value) => /^https?:\/\/[^\s/]+/i.test(value) && URL.canParse(value), {
      error: `must be an absolute http(s) URL such as ${example}`,
    });

/**
 * A whole number of at least `min`, or `fallback` when unset; a bad value is named as
 * `must be <what> (got "…"), e.g. <example>`.
 */
const wholeNumber = <F extends number | undefined>(options: {
  fallback: F;
  min: number;
  max?: number;
  what: string;
  example: number;
}) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx): number | F => {
      if (value === undefined || value === "") return options.fallback;
      if (
        !/^\d+$/.test(value) ||
        !Number.isSafeInteger(Number(value)) ||
        Number(value) < options.min ||
        Number(value) > (options.max ?? Number.MAX_SAFE_INTEGER)
      ) {
        ctx.addIssue({
          code: "custom",
          message: `must be ${options.what} (got "${value}"), e.g. ${options.example}`,
        });
        return z.NEVER;
      }
      return Number(value);
    });

export const positiveSeconds = (fallback: number) =>
  wholeNumber({
    fallback,
    min: 1,
    what: "a positive whole number of seconds",
    example: fallback,
  });

export const atLeast = (min: number, example: number) =>
  wholeNumber({
    fallback: undefined,
    min,
    what: `a whole number of at least ${min}`,
    example,
  });

/** Where Prometheus scrapes `/metrics` when METRICS_PORT is unset (its exporters' port). */
export const defaultMetricsPort = 9464;

/** A TCP port to listen on, or 0 for no listener at all (then `undefined`). */
export const portOrOff = (fallback: number) =>
  wholeNumber({
    fallback,
    min: 0,
    max: 65535,
    what: "a TCP port from 1 to 65535, or 0 to turn it off",
    example: fallback,
  }).transform((port) => (port === 0 ? undefined : port));

/**
 * METRICS_PORT on the app's own port (PORT, 3000 when unset) would either fail to open
 * or hand the metrics to whoever reaches the app: refused.
 */
export function metricsPortProblems(
  env: Readonly<Record<string, string | undefined>>,
): ConfigProblem[] {
  const metrics = Number(env.METRICS_PORT?.trim() || defaultMetricsPort);
  const app = Number(env.PORT?.trim() || 3000);
  if (metrics === 0 || metrics !== app) return [];
  return [
    {
      variable: "METRICS_PORT",
      message: `must differ from PORT (${app}): metrics are never served on the app's public port`,
    },
  ];
}

export const booleanFlag = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return fallback;
      if (value === "true") return true;
      if (value === "false") return false;
      ctx.addIssue({
        code: "custom",
        message: `must be "true" or "false" (got "${value}")`,
      });
      return z.NEVER;
    });

export const required = (hint: string) =>
  z
    .string({ error: `is required: ${hint}` })
    .trim()
    .min(1, { error: `is required: ${hint}` });

export const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

export function isRedisUrl(value: string): boolean {
  return /^rediss?:\/\/[^\s]+$/i.test(value) && URL.canParse(value);
}

/**
 * What is wrong with AUTH0_DOMAIN, if anything. Besides its form, the SDK refuses some
 * hosts, but only when the first request builds its client (a 500 on every request):
 * an IP address, a `.local` name, `localhost` except over http, a bare domain with a
 * port; and it quietly drops the port of an https URL. Refused here instead, so the app
 * does not start with them.
 */
export function domainProblem(value: string): string | undefined {
  return (
    domainFormProblem(value) ??
    sdkDomainProblem(value, isOriginUrl(value) ? new URL(value) : undefined)
  );
}

/** A TCP port to listen on, `fallback` when unset: the development tools' servers. */
export const listenPort = (fallback: number) =>
  wholeNumber({
    fallback,
    min: 1,
    max: 65535,
    what: "a TCP port from 1 to 65535",
    example: fallback,
  });

/** Every issue of a failed parse of the environment, under the variable it is about. */
export function configProblems(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => ({
    variable: String(issue.path[0] ?? "environment"),
    message: issue.message,
  }));
}

/**
 * `env` as `schema` reads it.
 * @throws {ConfigError} naming every variable that is missing or wrong, not the first.
 */
export function parseEnvironment<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) throw new ConfigError(configProblems(result.error));
  return result.data;
}

/** The interface a server listens on; undefined (unset) for every interface. */
export const listenHost = optionalText.refine(
  (value) => value === undefined || !/[\s/]/.test(value),
  { error: "must be a host name or IP address, such as 127.0.0.1" },
);

/** An identifier or secret: no white space inside; `fallback` when unset. */
export const spacelessText = (fallback: string) =>
  optionalText
    .transform((value) => value ?? fallback)
    .refine((value) => !/\s/.test(value), { error: "must not contain white space" });
