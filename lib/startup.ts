import { getConfig } from "./config";
import { ConfigError } from "./errors";

/** How long start-up waits for the first Redis connection before serving anyway. */
const startupConnectWaitMs = 3_000;

/**
 * Runs once when the server process starts: a bad configuration stops it here, with
 * every wrong variable named, instead of failing on the first request.
 */
export async function checkStartup(): Promise<void> {
  try {
    getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // Before the first request: what every request and response gets, without running
  // Next's proxy for it (see http/response-head-hook.ts and http/client-address.ts).
  const { installPeerAddressHeader } = await import("./http/client-address");
  installPeerAddressHeader();
  const { installResponseHeaders } = await import("./http/security-headers");
  const { servedOverHttps } = await import("./http/cookie-names");
  installResponseHeaders({
    https: servedOverHttps,
    development: process.env.NODE_ENV === "development",
  });
  const { log } = await import("./log");
  // Prometheus' /metrics on a listener of its own, bound where the standalone server
  // binds the app (HOSTNAME, as its server.js reads it), never on the app's port.
  const { startMetricsServer } = await import("./metrics/server");
  await startMetricsServer({
    port: getConfig().metricsPort,
    host: process.env.HOSTNAME || "0.0.0.0",
    log,
  });
  const { redis } = await import("./redis/client");
  // Connect before the server takes requests (Next awaits this hook), so the first
  // login is not a 503 while the connection is still being made. A Redis that is down
  // does not hold the start-up for long: the client's error handler logs it, it keeps
  // retrying, and requests meanwhile get a 503.
  const connected = redis.connect().then(
    () => true,
    () => false,
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    connected,
    new Promise((resolve) => (timer = setTimeout(resolve, startupConnectWaitMs))),
  ]);
  clearTimeout(timer);
  const { auth0, redis: redisConfig } = getConfig();
  // An evicting Redis can drop a user's session index, and a logout then misses that
  // user's sessions while answering 200: say so at every start, before the first
  // request (or on the first connection, if Redis is not up yet).
  const { checkEvictionPolicyWhenReady } = await import("./redis/eviction-policy");
  await checkEvictionPolicyWhenReady(redis, {
    acceptEviction: redisConfig.acceptEviction,
    log,
  });
  if (auth0.allowInsecureRequests) {
    log.warn(
      { domain: auth0.domain },
      "AUTH0_DOMAIN is an http:// URL: talking to a local provider over plain HTTP (allowInsecureRequests is on). Use your tenant's https domain in production.",
    );
  }
}
