/*
 * A local OpenID provider shaped like an Auth0 tenant, for development and tests:
 *   npx tsx idp/server.ts        (npm run idp)
 * See idp/README.md for its users, endpoints and settings.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createAdminRoutes } from "./admin.js";
import { rewriteAuthorizeQuery } from "./auth0-compat.js";
import { ConfigError, type IdpConfig, loadConfig } from "./config.js";
import { sendJson } from "./http.js";
import { createInteractionRoutes } from "./interactions.js";
import { createManagementApiRoutes } from "./management-api.js";
import { createProvider } from "./provider.js";
import { loadOrCreateSigningKey } from "./signing-key.js";
import { countGrants } from "./stats.js";

function readConfig(): IdpConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`[idp] invalid configuration: ${error.message}`);
    process.exit(1);
  }
}

function displayUrl(config: IdpConfig): string {
  const wildcard =
    config.host === undefined || config.host === "0.0.0.0" || config.host === "::";
  const host = wildcard
    ? "localhost"
    : config.host?.includes(":")
      ? `[${config.host}]`
      : config.host;
  return `http://${host}:${config.port}/`;
}

async function main(): Promise<void> {
  const config = readConfig();
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

  server.on("error", (error: NodeJS.ErrnoException) => {
    const reason =
      error.code === "EADDRINUSE"
        ? `port ${config.port} is already in use`
        : error.message;
    console.error(`[idp] cannot listen: ${reason}`);
    process.exit(1);
  });

  server.listen(config.port, config.host, () => {
    console.log(
      `local provider listening at ${displayUrl(config)} (issuer ${config.issuer})`,
    );
  });

  const stop = (signal: string) => {
    console.log(`[idp] ${signal}: shutting down`);
    server.close(() => process.exit(0));
    // Keep-alive connections of browsers and SDKs would otherwise hold close() open.
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error("[idp] failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
