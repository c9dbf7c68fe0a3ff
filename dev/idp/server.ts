/*
 * A local OpenID provider shaped like an Auth0 tenant, for development and tests:
 *   npx tsx idp/server.ts        (npm run idp)
 * See idp/README.md for its users, endpoints and settings.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { configOrExit, serveUntilStopped } from "../dev-server.js";
import { createAdminRoutes } from "./admin.js";
import { rewriteAuthorizeQuery } from "./auth0-compat.js";
import { loadConfig } from "./config.js";
import { sendJson } from "./http.js";
import { createInteractionRoutes } from "./interactions.js";
import { createManagementApiRoutes } from "./management-api.js";
import { createProvider } from "./provider.js";
import { loadOrCreateSigningKey } from "./signing-key.js";
import { countGrants } from "./stats.js";

async function main(): Promise<void> {
  const config = configOrExit("idp", () => loadConfig());
  const { jwk, created } = await loadOrCreateSigningKey(config.keyFile);
  console.log(
    `[idp] ${created ? "created" : "loaded"} signing key ${jwk.kid} (${config.keyFile})`,
  );

  const provider = createProvider(config, jwk);
  const stats = countGrants(provider);
  const adminRoutes = createAdminRoutes({ config, jwk, stats });
  const interactionRoutes = createInteractionRoutes(provider);
  const managementApiRoutes = createManagementApiRoutes({ provider, config, jwk });
  const oidc = provider.callback();
  const api = { audience: config.audience, scopes: config.apiScopes };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Only the path and query of this URL are used; the host is whatever the client sent.
    const url = new URL(req.url ?? "/", "http://idp.invalid");
    if (url.pathname === "/healthz" && (req.method === "GET" || req.method === "HEAD")) {
      sendJson(res, 200, { status: "ok" });
      return;
    }
    if (await adminRoutes(req, res, url)) return;
    if (await interactionRoutes(req, res, url)) return;
    if (await managementApiRoutes(req, res, url)) return;
    if (
      url.pathname === "/authorize" &&
      (req.method === "GET" || req.method === "HEAD")
    ) {
      req.url = `${url.pathname}?${rewriteAuthorizeQuery(url.searchParams, api).toString()}`;
    }
    await oidc(req, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error("[idp] request failed:", error);
      if (!res.headersSent) sendJson(res, 500, { error: "server_error" });
      else res.destroy();
    });
  });

  serveUntilStopped(server, {
    tag: "idp",
    port: config.port,
    host: config.host,
    listening: (url) => `local provider listening at ${url} (issuer ${config.issuer})`,
  });
}

main().catch((error: unknown) => {
  console.error("[idp] failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
