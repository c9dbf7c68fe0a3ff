import { parseConfig } from "../../lib/config";
import { ConfigError } from "../../lib/errors";

/** A complete, valid environment: each configuration test changes what it is about. */
export const validEnv = {
  AUTH0_DOMAIN: "my-tenant.eu.auth0.com",
  AUTH0_CLIENT_ID: "client-id",
  AUTH0_CLIENT_SECRET: "client-secret",
  AUTH0_SECRET: "0123456789abcdef0123456789abcdef",
  APP_BASE_URL: "http://localhost:3000",
  REDIS_URL: "redis://127.0.0.1:6379",
};

/** The problems `parseConfig` names for `env`, by variable; fails if it accepts it. */
export function problemsOf(
  env: Record<string, string | undefined>,
): Record<string, string> {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return Object.fromEntries(error.problems.map((p) => [p.variable, p.message]));
    }
    throw error;
  }
  throw new Error("expected a ConfigError");
}
