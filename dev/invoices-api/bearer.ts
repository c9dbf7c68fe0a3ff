/*
 * The Bearer scheme of RFC 6750: reading the token from `Authorization` (§2.1) and the
 * `WWW-Authenticate` challenge of an error response (§3).
 */

export const REALM = "invoices";

export type BearerCredentials =
  /** No credentials, or those of another scheme (Basic…): the client was not told yet. */
  | { kind: "none" }
  /** `Bearer` without a well-formed token. */
  | { kind: "malformed" }
  | { kind: "token"; token: string };

const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export function readBearer(authorization: string | undefined): BearerCredentials {
  const value = authorization?.trim();
  if (!value) return { kind: "none" };
  const match = /^(\S+)(?: +(.*))?$/.exec(value);
  if (!match || match[1]?.toLowerCase() !== "bearer") return { kind: "none" };
  const token = match[2]?.trim();
  return token && B64TOKEN.test(token) ? { kind: "token", token } : { kind: "malformed" };
}

export type BearerError =
  | { error: "invalid_token"; description: string }
  | { error: "insufficient_scope"; scope: string };

/** Only what RFC 6750 allows in a quoted `error_description`/`scope` (no `"` or `\`). */
function quoted(value: string): string {
  return `"${value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, "")}"`;
}

/** `Bearer realm="invoices"`, with the error attributes when there is an error. */
export function bearerChallenge(problem?: BearerError): string {
  const params = [`realm=${quoted(REALM)}`];
  if (problem?.error === "invalid_token") {
    params.push(
      `error="invalid_token"`,
      `error_description=${quoted(problem.description)}`,
    );
  } else if (problem?.error === "insufficient_scope") {
    params.push(`error="insufficient_scope"`, `scope=${quoted(problem.scope)}`);
  }
  return `Bearer ${params.join(", ")}`;
}
