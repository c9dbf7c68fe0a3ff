import { ConfigError } from "../../lib/shared";

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

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function parsePort(env: Env): number {
  const name = "INVOICES_API_PORT";
  const raw = read(env, name);
  if (raw === undefined) return 5000;
  const value = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= 65535)) {
    throw ConfigError.of(
      name,
      `must be an integer between 1 and 65535, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

function parseHost(env: Env): string | undefined {
  const name = "INVOICES_API_HOST";
  const raw = read(env, name);
  if (raw !== undefined && /[\s/]/.test(raw)) {
    throw ConfigError.of(
      name,
      `must be a host name or IP address, got ${JSON.stringify(raw)}`,
    );
  }
  return raw;
}

const BARE_DOMAIN =
  /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i;

/**
 * The issuer of tokens from an Auth0 domain, as the app derives it:
 * `my-tenant.eu.auth0.com` → `https://my-tenant.eu.auth0.com/`, and an origin URL such
 * as `http://localhost:4000` (the local provider) keeps its scheme and port.
 * Returns undefined for anything else (a path, a query, another scheme…).
 */
export function issuerForDomain(domain: string): string | undefined {
  const isUrl = /^https?:\/\//i.test(domain);
  if (!isUrl && !BARE_DOMAIN.test(domain)) return undefined;
  const url = URL.parse(isUrl ? domain : `https://${domain}`);
  if (!url || url.search || url.hash || url.username || url.password) return undefined;
  if (url.pathname !== "/" || /[?#]/.test(domain)) return undefined;
  return `${url.origin}/`;
}

function parseIssuer(env: Env): string {
  const name = "AUTH0_DOMAIN";
  const raw = read(env, name);
  if (raw === undefined) {
    throw ConfigError.of(
      name,
      `is required: your tenant's domain (e.g. my-tenant.eu.auth0.com) or http://localhost:4000 for the local provider`,
    );
  }
  const issuer = issuerForDomain(raw);
  if (issuer === undefined) {
    throw ConfigError.of(
      name,
      `must be a domain such as my-tenant.eu.auth0.com or an origin URL such as http://localhost:4000 (no path, query or fragment), got ${JSON.stringify(raw)}`,
    );
  }
  return issuer;
}

function parseAudience(env: Env): string {
  const name = "AUTH0_AUDIENCE";
  const raw = read(env, name) ?? "urn:invoices-api";
  if (/\s/.test(raw)) {
    throw ConfigError.of(
      name,
      `must be the API identifier without whitespace, got ${JSON.stringify(raw)}`,
    );
  }
  return raw;
}

/** Reads and validates the configuration; throws {@link ConfigError}. */
export function loadConfig(env: Env = process.env): InvoicesApiConfig {
  return {
    port: parsePort(env),
    host: parseHost(env),
    issuer: parseIssuer(env),
    audience: parseAudience(env),
  };
}
