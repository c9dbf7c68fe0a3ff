import { z } from "zod";
import { sdkDomainProblem } from "./sdk/provider";

// The kinds of field the environment is made of, each parsed once, with the message a
// wrong value gets (lib/config.ts puts them together).

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
        Number(value) < options.min
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
  const origin = isOriginUrl(value) ? new URL(value) : undefined;
  if (!origin && !isBareHostname(value)) {
    return "must be a domain such as my-tenant.eu.auth0.com or an origin URL such as http://localhost:4000 (no path, query or fragment)";
  }
  return sdkDomainProblem(value, origin);
}

function isBareHostname(value: string): boolean {
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i.test(
    value,
  );
}

function isOriginUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash;
}
