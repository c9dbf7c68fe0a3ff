import { getConfig } from "./config";
import { ConfigError } from "./errors";

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
  const { log } = await import("./log");
  const { redis } = await import("./redis/client");
  // Connect now, not on the first request; a failure here is logged by the client's
  // error handler and retried, and requests meanwhile get a 503.
  redis.connect().catch(() => {});
  const { auth0 } = getConfig();
  if (auth0.allowInsecureRequests) {
    log.warn(
      { domain: auth0.domain },
      "AUTH0_DOMAIN is an http:// URL: talking to a local provider over plain HTTP (allowInsecureRequests is on). Use your tenant's https domain in production.",
    );
  }
}
