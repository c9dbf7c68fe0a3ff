import type { Attributes } from "@opentelemetry/api";

/**
 * What a trace may never carry, and how it is taken out. One set of rules for every
 * span of the process, whoever made it (instrumentation-http, -undici, -ioredis,
 * Next.js itself): the redacting exporter (redacting-exporter.ts) applies them to each
 * span's name, attributes, events and links just before export.
 *
 * - Query strings go, wherever they appear: `/auth/callback?code=…&state=…` carries the
 *   authorization code and the transaction state, a Management API lookup an email.
 *   Paths stay (they name the route); `url.query` is dropped whole.
 * - Headers are never recorded (the instrumentations capture none unless configured
 *   to); any header, cookie or authorization attribute is dropped all the same.
 * - A Redis statement keeps its command name only: keys hold session ids, sids and
 *   subs, values hold tokens.
 * - The provider's session id in Management API paths (`/api/v2/sessions/<sid>`) is
 *   masked, as are credentials in a URL (`redis://user:password@host`) and anything
 *   shaped like a JWT (an ID or access token in an error message).
 */

/** Attributes dropped whole: headers, cookies, credentials, the query string. */
const droppedAttribute =
  /^(?:http\.(?:request|response)\.header\.|url\.query$|http\.query$)|cookie|authorization/i;

/** Attributes holding a database statement: only its first word, the command, stays. */
const statementAttribute = /^db\.(?:statement|query\.text)$/;

/** A query string: from `?` to the next whitespace or quote. */
const queryString = /\?[^\s"'<>]*/g;
/** Credentials in a URL's authority (`scheme://user:password@`). */
const urlCredentials = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi;
/** The provider session id (`sid`) in a Management API sessions path. */
const managementSessionPath = /(\/api\/v2\/sessions\/)[^/\s?#"']+/g;
/**
 * A JSON header (`eyJ`) and two to four more base64url parts, any of them empty: a JWS
 * such as an ID token, or a compact JWE such as the SDK's session cookie (`eyJ…..iv.ct.tag`).
 */
const jwt = /\beyJ[\w-]*(?:\.[\w-]*){2,4}/g;

/** `text` without query strings, URL credentials, provider session ids or JWTs. */
export function redactText(text: string): string {
  return text
    .replace(queryString, "")
    .replace(urlCredentials, "$1")
    .replace(managementSessionPath, "$1{sid}")
    .replace(jwt, "[jwt]");
}

/** The command name of a statement (`evalsha`, `hgetall`), never its arguments. */
export function statementCommand(statement: string): string {
  return statement.trimStart().split(/\s/, 1)[0] ?? "";
}

/** `attributes` as they may be exported (see the rules above); a new object. */
export function redactAttributes(attributes: Attributes): Attributes {
  const redacted: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (droppedAttribute.test(key)) continue;
    if (statementAttribute.test(key) && typeof value === "string") {
      redacted[key] = statementCommand(value);
      continue;
    }
    redacted[key] = redactValue(value);
  }
  return redacted;
}

/** Strings redacted wherever they sit: attribute values may be arrays and maps (OTLP's AnyValue). */
function redactValue(value: unknown): unknown {
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactValue(item)]),
    );
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
