/*
 * A sample resource server: the "invoices" API the app calls with the user's Auth0
 * access token.  npx tsx invoices-api/server.ts   (see invoices-api/README.md)
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { JWTVerifyGetKey } from "jose";
import { bearerChallenge, readBearer } from "./bearer";
import { loadConfig } from "./config";
import { configOrExit, serveUntilStopped } from "../dev-server";
import { invoicesFor } from "./invoices";
import { providerSigningKeys } from "../../lib/shared";
import { verifyAccessToken } from "./verify-access-token";

export const REQUIRED_SCOPE = "read:invoices";

/** One line per request. Never holds the token. */
export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  sub?: string;
  /** Why the request failed (an OAuth error code and description, or a server error). */
  error?: string;
}

export interface InvoicesServerDeps {
  issuer: string;
  audience: string;
  /** The issuer's public keys: `providerSigningKeys` (lib/provider/signing-keys.ts), or a local set in tests. */
  keys: JWTVerifyGetKey;
  /** Defaults to one JSON line on stdout. */
  log?: (entry: RequestLogEntry) => void;
}

interface Outcome {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  sub?: string;
  error?: string;
}

type Counter = "ok" | "unauthorized" | "forbidden";

function json(
  status: number,
  body: unknown,
  extra: Omit<Outcome, "status" | "body"> = {},
): Outcome {
  return { status, body, ...extra };
}

function logToStdout(entry: RequestLogEntry): void {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
}

/** The HTTP server of the API (not listening yet). */
export function createInvoicesServer(deps: InvoicesServerDeps): Server {
  const log = deps.log ?? logToStdout;
  const requests: Record<Counter, number> = { ok: 0, unauthorized: 0, forbidden: 0 };

  async function getInvoices(req: IncomingMessage): Promise<Outcome> {
    const credentials = readBearer(req.headers.authorization);
    if (credentials.kind === "none") {
      requests.unauthorized += 1;
      return json(
        401,
        { error: "unauthorized" },
        { headers: { "www-authenticate": bearerChallenge() }, error: "no bearer token" },
      );
    }
    const result =
      credentials.kind === "token"
        ? await verifyAccessToken(credentials.token, deps)
        : ({
            ok: false,
            code: "invalid_token",
            description: "malformed Authorization header",
          } as const);

    if (!result.ok && result.code === "keys_unavailable") {
      return json(
        503,
        { error: "temporarily_unavailable" },
        {
          headers: { "retry-after": "5" },
          error: `keys unavailable: ${result.description}`,
        },
      );
    }
    if (!result.ok) {
      requests.unauthorized += 1;
      const challenge = bearerChallenge({
        error: "invalid_token",
        description: result.description,
      });
      return json(
        401,
        { error: "invalid_token" },
        {
          headers: { "www-authenticate": challenge },
          error: `invalid_token: ${result.description}`,
        },
      );
    }
    if (!result.scopes.includes(REQUIRED_SCOPE)) {
      requests.forbidden += 1;
      const challenge = bearerChallenge({
        error: "insufficient_scope",
        scope: REQUIRED_SCOPE,
      });
      return json(
        403,
        { error: "insufficient_scope" },
        {
          headers: { "www-authenticate": challenge },
          sub: result.sub,
          error: "insufficient_scope",
        },
      );
    }
    requests.ok += 1;
    return json(
      200,
      { invoices: invoicesFor(result.sub), sub: result.sub },
      { sub: result.sub },
    );
  }

  async function route(req: IncomingMessage, path: string): Promise<Outcome> {
    const method = req.method ?? "GET";
    const only = (allowed: string[], handle: () => Outcome | Promise<Outcome>) =>
      allowed.includes(method)
        ? handle()
        : json(
            405,
            { error: "method_not_allowed" },
            { headers: { allow: allowed.join(", ") } },
          );

    switch (path) {
      case "/invoices":
        return only(["GET"], () => getInvoices(req));
      case "/healthz":
        return only(["GET", "HEAD"], () => json(200, { status: "ok" }));
      case "/stats":
        return only(["GET"], () => json(200, { requests: { ...requests } }));
      default:
        return json(404, { error: "not_found" });
    }
  }

  return createServer((req, res: ServerResponse) => {
    const started = performance.now();
    // Only the path is used (and logged): never the query, which could hold a token.
    const path = URL.parse(req.url ?? "/", "http://invoices.invalid")?.pathname ?? "/";
    route(req, path)
      .catch((error: unknown): Outcome =>
        json(
          500,
          { error: "server_error" },
          {
            error: `server error: ${error instanceof Error ? error.message : String(error)}`,
          },
        ),
      )
      .then((outcome) => {
        res.writeHead(outcome.status, {
          "content-type": "application/json; charset=utf-8",
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
          ...outcome.headers,
        });
        res.end(JSON.stringify(outcome.body));
        const entry: RequestLogEntry = {
          time: new Date().toISOString(),
          method: req.method ?? "",
          path,
          status: outcome.status,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        };
        if (outcome.sub !== undefined) entry.sub = outcome.sub;
        if (outcome.error !== undefined) entry.error = outcome.error;
        log(entry);
      })
      .catch(() => res.destroy());
  });
}

function main(): void {
  const config = configOrExit("invoices-api", () => loadConfig());
  const server = createInvoicesServer({
    issuer: config.issuer,
    audience: config.audience,
    keys: providerSigningKeys(config.issuer),
  });

  serveUntilStopped(server, {
    tag: "invoices-api",
    port: config.port,
    host: config.host,
    listening: (url) =>
      `invoices API listening on ${url} (issuer ${config.issuer}, audience ${config.audience})`,
  });
}

/** True when this file was started (`tsx invoices-api/server.ts`), not imported. */
function isEntryPoint(): boolean {
  return (
    typeof require !== "undefined" &&
    typeof module !== "undefined" &&
    require.main === module
  );
}

if (isEntryPoint()) main();
