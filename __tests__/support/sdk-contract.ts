/*
 * What the SDK contract tests share (__tests__/unit/sdk-contract.test.ts,
 * __tests__/integration/sdk-contract.int.test.ts): the failure message that names a seam,
 * and the app's client of the installed SDK with the provider answered in this process.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { dirname, join } from "node:path";
import type { SessionData, SessionDataStore } from "@auth0/nextjs-auth0/types";
import {
  RequestCookies,
  ResponseCookies,
} from "../../node_modules/@auth0/nextjs-auth0/dist/server/cookies.js";
import { StatefulSessionStore } from "../../node_modules/@auth0/nextjs-auth0/dist/server/session/stateful-session-store.js";
import type * as seams from "../../lib/sdk";
import { RequestSessionClient } from "../../lib/session/request-session-client";

export const secret = "a-32-character-or-longer-secret-for-the-session-cookie";
export const domain = "tenant.example.com";
export const appUrl = "http://app.test";
export const cookieName = "__session";
export const transactionPrefix = "__txn_";

/** The current time in epoch seconds, as the SDK counts it. */
export const now = (): number => Math.floor(Date.now() / 1000);

/**
 * Runs `check`; its failure is reported as a change of `seam`, the lib/sdk export whose
 * assumption no longer holds: `SDK seam "<seam>" changed: <what differs>`.
 */
export async function expectSeam(
  seam: keyof typeof seams,
  check: () => unknown,
): Promise<void> {
  try {
    await check();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`SDK seam "${seam}" changed: ${detail}`, { cause: error });
  }
}

/** A session store in memory: the SDK's use of its store is no seam of these tests. */
export class MemoryStore implements SessionDataStore {
  readonly sessions = new Map<string, SessionData>();
  async get(id: string): Promise<SessionData | null> {
    return structuredClone(this.sessions.get(id)) ?? null;
  }
  async set(id: string, session: SessionData): Promise<void> {
    this.sessions.set(id, structuredClone(session));
  }
  async delete(id: string): Promise<void> {
    this.sessions.delete(id);
  }
}

/** The provider at the network edge, answered in this process, and what it was asked. */
export interface InProcessProvider {
  fetch: typeof fetch;
  requested: string[];
}

/**
 * A provider answering its discovery document wherever it is asked for it (its issuer
 * is where it was asked), and its token endpoint with `token()` (by default a 500).
 */
export function inProcessProvider(
  token: () => Response = () => Response.json({ error: "server_error" }, { status: 500 }),
): InProcessProvider {
  const requested: string[] = [];
  const discovery = ".well-known/openid-configuration";
  const fetch = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    requested.push(url.href);
    if (url.href.endsWith(discovery)) {
      const base = url.href.slice(0, -discovery.length);
      return Response.json({
        issuer: base,
        authorization_endpoint: `${base}authorize`,
        token_endpoint: `${base}oauth/token`,
        jwks_uri: `${base}.well-known/jwks.json`,
        end_session_endpoint: `${base}oidc/logout`,
      });
    }
    return url.pathname.endsWith("/oauth/token")
      ? token()
      : new Response(null, { status: 404 });
  };
  return { fetch, requested };
}

/** The app's client of the installed SDK, configured as lib/auth0.ts configures it. */
export function appClient(
  store: SessionDataStore,
  options: { customFetch?: typeof fetch; domain?: string } = {},
): RequestSessionClient {
  const clientDomain = options.domain ?? domain;
  return new RequestSessionClient({
    domain: clientDomain,
    clientId: "app-client",
    clientSecret: "app-client-secret",
    secret,
    appBaseUrl: appUrl,
    session: { rolling: false, absoluteDuration: 3600, cookie: { name: cookieName } },
    transactionCookie: { prefix: transactionPrefix },
    includeIdTokenHintInOIDCLogoutUrl: false,
    sessionStore: store,
    allowInsecureRequests: clientDomain.toLowerCase().startsWith("http://"),
    customFetch: options.customFetch ?? inProcessProvider().fetch,
  });
}

/** The cookie the SDK's stateful store writes at a login for `session`, and its id. */
export async function loginCookie(store: MemoryStore, session: SessionData) {
  const sdkStore = new StatefulSessionStore({ secret, store, rolling: false });
  const res = new ResponseCookies(new Headers());
  await sdkStore.set(new RequestCookies(new Headers()), res, session, true);
  const [id] = [...store.sessions.keys()];
  return { cookie: res.get(cookieName)!.value, id: id! };
}

/** A Pages Router request (Node.js headers), as getServerSideProps and API routes get. */
export function pagesRequest(cookie?: string): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.url = "/api/me";
  req.headers = { host: "app.test", ...(cookie === undefined ? {} : { cookie }) };
  return req;
}

/**
 * A digest of a method's code in the installed SDK (`file` under its dist/), blind to
 * comments and layout: what a test compares with the version a person reviewed.
 */
export function fingerprintOf(file: string, method: string): string {
  const dist = join(dirname(require.resolve("@auth0/nextjs-auth0/server")), "..");
  const text = readFileSync(join(dist, file), "utf8");
  const head = new RegExp(
    `^[ \\t]*(?:export )?(?:async )?(?:function )?${method}\\(`,
    "m",
  );
  const found = head.exec(text);
  if (!found) return "missing";
  let at = found.index + found[0].length;
  for (let depth = 1; depth > 0; at++) depth += { "(": 1, ")": -1 }[text[at]!] ?? 0;
  at = text.indexOf("{", at);
  let depth = 0;
  do depth += { "{": 1, "}": -1 }[text[at++]!] ?? 0;
  while (depth > 0);
  const code = text
    .slice(found.index, at)
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "")
    .replace(/\s+/g, " ");
  return createHash("sha256").update(code).digest("hex").slice(0, 16);
}
