import path from "node:path";
import { z } from "zod";
import {
  ConfigError,
  isOriginUrl,
  issuerForDomain,
  listenHost,
  listenPort,
  optionalText,
  parseEnvironment,
  positiveSeconds,
  spacelessText,
} from "../../lib/shared.js";
export { ConfigError };

/** Settings of the local provider, read from `IDP_*` environment variables. */
export interface IdpConfig {
  port: number;
  /** Undefined: listen on every interface, IPv6 and IPv4 where available. */
  host: string | undefined;
  /** Always ends with `/`, like an Auth0 tenant's issuer. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The machine-to-machine client that may call the Management API (`/api/v2/`). */
  managementClientId: string;
  managementClientSecret: string;
  /** The namespaced ID token claim that carries a user's roles, as an Auth0 Action sets it. */
  rolesClaim: string;
  /** Origins (`http://localhost:3000`) of the app instances. */
  appOrigins: string[];
  audience: string;
  apiScopes: string[];
  accessTokenTtl: number;
  refreshTokenTtl: number;
  sessionTtl: number;
  keyFile: string;
}

const fourteenDaysInSeconds = 60 * 60 * 24 * 14;
const oneDayInSeconds = 60 * 60 * 24;

const originWithoutPath = "must be an origin without a path (scheme://host:port)";

/** A comma-separated list of origins, each once; `fallback` when unset. */
const originList = (fallback: string) =>
  optionalText
    .transform((value) =>
      (value ?? fallback)
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .refine((parts) => parts.every(isOriginUrl), { error: `each ${originWithoutPath}` })
    .refine((parts) => parts.length > 0, { error: "must list at least one app origin" })
    .transform((parts) => [...new Set(parts.map((part) => new URL(part).origin))]);

const envSchema = z
  .object({
    IDP_PORT: listenPort(4000),
    IDP_HOST: listenHost,
    // Endpoints are served from the root, as on an Auth0 tenant, so the issuer is an origin.
    IDP_ISSUER: optionalText.refine(
      (value) => value === undefined || isOriginUrl(value),
      {
        error: originWithoutPath,
      },
    ),
    IDP_APP_URLS: originList("http://localhost:3000"),
    // oidc-provider only accepts resource indicators that are absolute URIs without a fragment.
    IDP_AUDIENCE: optionalText
      .transform((value) => value ?? "urn:invoices-api")
      .refine((value) => URL.canParse(value) && !value.includes("#"), {
        error: "must be an absolute URI without a fragment, such as urn:invoices-api",
      }),
    IDP_API_SCOPES: optionalText
      .transform((value) => [
        ...new Set((value ?? "read:invoices").split(/[\s,]+/).filter(Boolean)),
      ])
      .refine(
        (scopes) =>
          scopes.length > 0 &&
          scopes.every((scope) => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)),
        {
          error: "must be a space-separated list of scope tokens, such as read:invoices",
        },
      ),
    // Auth0 wants custom claims namespaced by a URL, so they never collide with standard ones.
    IDP_ROLES_CLAIM: optionalText
      .transform((value) => value ?? "https://example.com/roles")
      .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), {
        error:
          "must be a namespaced claim name (an http(s) URL such as https://example.com/roles)",
      }),
    IDP_CLIENT_ID: spacelessText("local-app-client"),
    IDP_CLIENT_SECRET: spacelessText("local-app-client-secret-change-me-0123456789"),
    IDP_MGMT_CLIENT_ID: spacelessText("local-mgmt-client"),
    IDP_MGMT_CLIENT_SECRET: spacelessText(
      "local-mgmt-client-secret-change-me-0123456789",
    ),
    IDP_ACCESS_TOKEN_TTL: positiveSeconds(3600),
    IDP_REFRESH_TOKEN_TTL: positiveSeconds(fourteenDaysInSeconds),
    IDP_SESSION_TTL: positiveSeconds(oneDayInSeconds),
    IDP_KEY_FILE: optionalText.transform(
      (value) => value ?? "dev/idp/.data/signing-key.json",
    ),
  })
  .transform((env) => ({
    ...env,
    issuer: issuerForDomain(env.IDP_ISSUER ?? `http://localhost:${env.IDP_PORT}`),
  }))
  .superRefine((env, ctx) => {
    if (env.IDP_MGMT_CLIENT_ID === env.IDP_CLIENT_ID)
      ctx.addIssue({
        code: "custom",
        path: ["IDP_MGMT_CLIENT_ID"],
        message: "must differ from IDP_CLIENT_ID",
      });
    if (env.IDP_AUDIENCE === `${env.issuer}api/v2/`)
      ctx.addIssue({
        code: "custom",
        path: ["IDP_AUDIENCE"],
        message: `must not be the Management API's ${env.IDP_AUDIENCE}`,
      });
  });

/**
 * Reads and validates the configuration.
 * @throws {ConfigError} naming every variable that is missing or wrong.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): IdpConfig {
  const e = parseEnvironment(envSchema, env);
  return {
    port: e.IDP_PORT,
    host: e.IDP_HOST,
    issuer: e.issuer,
    clientId: e.IDP_CLIENT_ID,
    clientSecret: e.IDP_CLIENT_SECRET,
    managementClientId: e.IDP_MGMT_CLIENT_ID,
    managementClientSecret: e.IDP_MGMT_CLIENT_SECRET,
    rolesClaim: e.IDP_ROLES_CLAIM,
    appOrigins: e.IDP_APP_URLS,
    audience: e.IDP_AUDIENCE,
    apiScopes: e.IDP_API_SCOPES,
    accessTokenTtl: e.IDP_ACCESS_TOKEN_TTL,
    refreshTokenTtl: e.IDP_REFRESH_TOKEN_TTL,
    sessionTtl: e.IDP_SESSION_TTL,
    keyFile: path.resolve(cwd, e.IDP_KEY_FILE),
  };
}

/** Where the app receives logout tokens; instances share Redis, so the first origin serves all. */
export function backchannelLogoutUri(config: IdpConfig): string {
  return `${config.appOrigins[0]}/auth/backchannel-logout`;
}

/** The Management API's audience, in Auth0's form: `<issuer>api/v2/`. */
export function managementAudience(config: IdpConfig): string {
  return `${config.issuer}api/v2/`;
}
