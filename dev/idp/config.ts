import path from "node:path";
import { ConfigError } from "../../lib/shared.js";
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

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function positiveInteger(env: Env, name: string, fallback: number, max?: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < 1 || (max !== undefined && value > max)) {
    const expected =
      max === undefined
        ? "a positive integer (seconds)"
        : `an integer between 1 and ${max}`;
    throw ConfigError.of(name, `must be ${expected}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function httpUrl(name: string, raw: string): URL {
  const url = URL.parse(raw);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw ConfigError.of(name, `must be an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  return url;
}

function originOnly(name: string, raw: string): string {
  const url = httpUrl(name, raw);
  if (url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
    throw ConfigError.of(
      name,
      `must be an origin without a path (scheme://host:port), got ${JSON.stringify(raw)}`,
    );
  }
  return url.origin;
}

function parseIssuer(env: Env, port: number): string {
  const name = "IDP_ISSUER";
  const raw = read(env, name) ?? `http://localhost:${port}/`;
  // Endpoints are served from the root, as on an Auth0 tenant, so the issuer is an origin.
  return `${originOnly(name, raw)}/`;
}

function parseAppOrigins(env: Env): string[] {
  const name = "IDP_APP_URLS";
  const raw = read(env, name) ?? "http://localhost:3000";
  const origins = raw
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => originOnly(name, part));
  if (origins.length === 0)
    throw ConfigError.of(name, `must list at least one app origin`);
  return [...new Set(origins)];
}

function parseAudience(env: Env): string {
  const name = "IDP_AUDIENCE";
  const raw = read(env, name) ?? "urn:invoices-api";
  // oidc-provider only accepts resource indicators that are absolute URIs without a fragment.
  const url = URL.parse(raw);
  if (!url || url.hash || raw.includes("#")) {
    throw ConfigError.of(
      name,
      `must be an absolute URI without a fragment, got ${JSON.stringify(raw)}`,
    );
  }
  return raw;
}

function parseScopes(env: Env): string[] {
  const name = "IDP_API_SCOPES";
  const raw = read(env, name) ?? "read:invoices";
  const scopes = raw.split(/[\s,]+/).filter(Boolean);
  const invalid = scopes.find((scope) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope));
  if (invalid !== undefined || scopes.length === 0) {
    throw ConfigError.of(
      name,
      `must be a space-separated list of scope tokens, got ${JSON.stringify(raw)}`,
    );
  }
  return [...new Set(scopes)];
}

function parseRolesClaim(env: Env): string {
  const name = "IDP_ROLES_CLAIM";
  const raw = read(env, name) ?? "https://example.com/roles";
  // Auth0 wants custom claims namespaced by a URL, so they never collide with standard ones.
  const url = URL.parse(raw);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw ConfigError.of(
      name,
      `must be a namespaced claim name (an http(s) URL such as https://example.com/roles), got ${JSON.stringify(raw)}`,
    );
  }
  return raw;
}

function nonEmpty(env: Env, name: string, fallback: string): string {
  const value = read(env, name) ?? fallback;
  if (/\s/.test(value)) throw ConfigError.of(name, `must not contain whitespace`);
  return value;
}

/** Reads and validates the configuration; throws {@link ConfigError}. */
export function loadConfig(
  env: Env = process.env,
  cwd: string = process.cwd(),
): IdpConfig {
  const port = positiveInteger(env, "IDP_PORT", 4000, 65535);
  const clientId = nonEmpty(env, "IDP_CLIENT_ID", "local-app-client");
  const managementClientId = nonEmpty(env, "IDP_MGMT_CLIENT_ID", "local-mgmt-client");
  if (managementClientId === clientId) {
    throw ConfigError.of("IDP_MGMT_CLIENT_ID", `must differ from IDP_CLIENT_ID`);
  }
  const issuer = parseIssuer(env, port);
  const audience = parseAudience(env);
  if (audience === `${issuer}api/v2/`) {
    throw ConfigError.of("IDP_AUDIENCE", `must not be the Management API's ${audience}`);
  }
  return {
    port,
    host: read(env, "IDP_HOST"),
    issuer,
    clientId,
    clientSecret: nonEmpty(
      env,
      "IDP_CLIENT_SECRET",
      "local-app-client-secret-change-me-0123456789",
    ),
    managementClientId,
    managementClientSecret: nonEmpty(
      env,
      "IDP_MGMT_CLIENT_SECRET",
      "local-mgmt-client-secret-change-me-0123456789",
    ),
    rolesClaim: parseRolesClaim(env),
    appOrigins: parseAppOrigins(env),
    audience,
    apiScopes: parseScopes(env),
    accessTokenTtl: positiveInteger(env, "IDP_ACCESS_TOKEN_TTL", 3600),
    refreshTokenTtl: positiveInteger(env, "IDP_REFRESH_TOKEN_TTL", 86400 * 14),
    sessionTtl: positiveInteger(env, "IDP_SESSION_TTL", 86400),
    keyFile: path.resolve(
      cwd,
      read(env, "IDP_KEY_FILE") ?? "dev/idp/.data/signing-key.json",
    ),
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
