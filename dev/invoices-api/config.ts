import { z } from "zod";
import {
  ConfigError,
  domainFormProblem,
  issuerForDomain,
  listenHost,
  listenPort,
  parseEnvironment,
  required,
  spacelessText,
} from "../../lib/shared";

export { ConfigError };

/** Settings of the invoices API, read from the environment. */
export interface InvoicesApiConfig {
  port: number;
  /** Undefined: listen on every interface, IPv6 and IPv4 where available. */
  host: string | undefined;
  /** The `iss` accepted, in Auth0's form with a trailing slash (`https://tenant/`). */
  issuer: string;
  /** The `aud` required: the Auth0 API's identifier. */
  audience: string;
}

const envSchema = z
  .object({
    INVOICES_API_PORT: listenPort(5000),
    INVOICES_API_HOST: listenHost,
    // The issuer of the app's access tokens, derived from AUTH0_DOMAIN as the app derives it.
    AUTH0_DOMAIN: required(
      "your tenant's domain (e.g. my-tenant.eu.auth0.com) or http://localhost:4000 for the local provider",
    )
      .superRefine((value, ctx) => {
        const problem = domainFormProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .transform(issuerForDomain),
    AUTH0_AUDIENCE: spacelessText("urn:invoices-api"),
  })
  .transform((env): InvoicesApiConfig => ({
    port: env.INVOICES_API_PORT,
    host: env.INVOICES_API_HOST,
    issuer: env.AUTH0_DOMAIN,
    audience: env.AUTH0_AUDIENCE,
  }));

/**
 * Reads and validates the configuration.
 * @throws {ConfigError} naming every variable that is missing or wrong.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
): InvoicesApiConfig {
  return parseEnvironment(envSchema, env);
}
