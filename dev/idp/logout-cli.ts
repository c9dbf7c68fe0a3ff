/*
 * Signs a user out everywhere, like revoking a user's sessions in Auth0:
 *   npx tsx idp/logout-cli.ts --sub alice        (or --sub 'auth0|alice')
 * It asks the running provider (IDP_ISSUER), which holds the key and sends the logout token.
 */
import { parseArgs } from "node:util";
import type { SignOutResult } from "./admin.js";
import { ConfigError, loadConfig } from "./config.js";
import { fetchFailureReason } from "./http.js";

const USAGE = "usage: npx tsx idp/logout-cli.ts --sub <username | sub>";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function isSignOutResult(value: unknown): value is SignOutResult {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as SignOutResult).deliveries)
  );
}

async function main(): Promise<void> {
  let sub: string | undefined;
  try {
    const { values } = parseArgs({
      options: { sub: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
    if (values.help) {
      console.log(USAGE);
      return;
    }
    sub = values.sub;
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (!sub) fail(USAGE);

  let issuer: string;
  try {
    issuer = loadConfig().issuer;
  } catch (error) {
    if (error instanceof ConfigError) fail(`invalid configuration: ${error.message}`);
    throw error;
  }

  const endpoint = new URL("admin/api/logout", issuer);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sub }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    fail(
      `cannot reach the local provider at ${issuer} (${fetchFailureReason(error)}); is it running (npm run idp)?`,
    );
  }

  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok || !isSignOutResult(body)) {
    const detail =
      typeof body === "object" && body !== null && "error" in body
        ? String(body.error)
        : `HTTP ${response.status}`;
    fail(`the provider refused: ${detail}`);
  }

  let allDelivered = body.deliveries.length > 0;
  for (const delivery of body.deliveries) {
    const outcome = delivery.status ?? `failed (${delivery.error ?? "unknown error"})`;
    console.log(`back-channel logout for ${body.sub} → ${delivery.url}: ${outcome}`);
    if (delivery.status === undefined || delivery.status < 200 || delivery.status >= 300)
      allDelivered = false;
  }
  if (!allDelivered) process.exit(1);
}

main().catch((error: unknown) =>
  fail(`logout failed: ${error instanceof Error ? error.message : String(error)}`),
);
