import { existsSync } from "node:fs";
import path from "node:path";
import {
  localStackApp,
  startLocalStack,
  startPart,
  type LocalStack,
} from "../../dev/harness/local-stack";
import { baseEnv, type RunningProcess } from "../../dev/harness/processes";
import { eventually } from "./eventually";
import { projectRoot } from "./processes";

export { baseEnv };

/** The app client of every stack's provider and apps (dev/harness/local-stack.ts). */
export const clientId = localStackApp.clientId;
export const clientSecret = localStackApp.clientSecret;
export const appSecret = localStackApp.secret;
export const audience = localStackApp.audience;

const standaloneServer = path.join(projectRoot, ".next/standalone/server.js");
const logDir = path.join(projectRoot, ".test-artifacts");

/** The local provider and N app instances, as `docker compose up` runs them. */
export interface Stack extends LocalStack {
  redisUrl: string;
  keyPrefix: string;
}

export interface StackOptions {
  instances?: number;
  /** Also start the sample invoices API (invoices-api/). */
  invoicesApi?: boolean;
  /** @default the run's Redis (REDIS_URL from globalSetup) */
  redisUrl?: string;
  keyPrefix: string;
  appEnv?: Record<string, string>;
  /** Per instance, over `appEnv`: e.g. one instance's Redis through a proxy. */
  instanceEnv?: ReadonlyArray<Record<string, string>>;
  idpEnv?: Record<string, string>;
}

export function assertBuilt(): void {
  if (!existsSync(standaloneServer)) {
    throw new Error(
      "The app is not built: run `npm run build` first (`npm test` does it).",
    );
  }
}

/**
 * No metrics listener unless a test asks for one (metrics.e2e): a stack's instances, and
 * test files run side by side, would all try METRICS_PORT's default 9464.
 */
const noMetricsListener = { METRICS_PORT: "0" };

/** Starts the app's standalone server (the Docker image's command) with `env`. */
export function startApp(
  name: string,
  env: Record<string, string | undefined>,
): RunningProcess {
  assertBuilt();
  return startPart(
    "app",
    name,
    { HOSTNAME: "127.0.0.1", ...noMetricsListener, ...env },
    { logDir },
  );
}

/** The stack (dev/harness/local-stack.ts) on the run's Redis, its output in .test-artifacts. */
export async function startStack(options: StackOptions): Promise<Stack> {
  assertBuilt();
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  if (!redisUrl)
    throw new Error("REDIS_URL is not set: the jest globalSetup provides it");
  const stack = await startLocalStack({
    redis: { url: redisUrl },
    logDir,
    instances: options.instances,
    invoicesApi: options.invoicesApi,
    appEnv: {
      REDIS_KEY_PREFIX: options.keyPrefix,
      ...noMetricsListener,
      ...options.appEnv,
    },
    instanceEnv: options.instanceEnv,
    providerEnv: options.idpEnv,
  });
  return { ...stack, redisUrl, keyPrefix: options.keyPrefix };
}

/** Stops the provider and waits until `appUrl` sees it down (it trusts its last look briefly). */
export async function stopProvider(stack: Stack, appUrl: string): Promise<void> {
  await stack.idp.stop();
  await eventually(
    async () =>
      (await (await fetch(`${appUrl}/api/ready`)).json()) as {
        checks: { provider: string };
      },
    (ready) => ready.checks.provider === "down",
    15_000,
  );
}
