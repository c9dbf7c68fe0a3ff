/**
 * The whole local stack in one command: the local provider (dev/idp), the sample
 * invoices API (dev/invoices-api) and the app, against REDIS_URL (default
 * redis://127.0.0.1:6379). `npm run dev:local` runs the app with `next dev` (output in
 * .next-dev); `npm run start:local` runs the production build (`npm run build` first),
 * as `npm start` does. Each part runs with what `docker compose up` gives it (see
 * {@link localStackEnvironments}), so the two stacks behave alike. It stops at once,
 * with a clear message, when Redis cannot be reached or the build is missing; when any
 * part exits, it stops the others and exits with that part's status (1 when a part was
 * killed), so a bad configuration is never a silent success.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { Redis } from "ioredis";
import {
  launchStack,
  localProviderClients,
  stackEnvironments,
} from "../dev/harness/local-stack";

export type LocalStackMode = "dev" | "start";

type Env = Record<string, string>;

const root = path.resolve(__dirname, "..");

/**
 * What every part starts from when neither the shell nor `.env` sets it: the values
 * docker-compose.yml falls back to, which are the local provider's own defaults. The
 * secret is a development value for this local stack only.
 */
const defaults: Env = {
  REDIS_URL: "redis://127.0.0.1:6379",
  AUTH0_DOMAIN: "http://localhost:4000",
  AUTH0_CLIENT_ID: localProviderClients.app.id,
  AUTH0_CLIENT_SECRET: localProviderClients.app.secret,
  AUTH0_SECRET: "local-development-secret-change-me-0123456789abcdef",
  AUTH0_AUDIENCE: "urn:invoices-api",
  APP_BASE_URL: "http://localhost:3000",
  INVOICES_API_URL: "http://localhost:5000",
};

/**
 * The local provider's Management API client (dev/idp's defaults). Given to the app
 * only when the local provider runs, and only when `.env` names no client of its own,
 * so that /sessions ends provider sessions too, as under `docker compose up`; a real
 * tenant never gets these.
 */
const localManagementClient: Env = {
  AUTH0_MGMT_CLIENT_ID: localProviderClients.management.id,
  AUTH0_MGMT_CLIENT_SECRET: localProviderClients.management.secret,
};

/** The environment of each part of the local stack. */
export interface LocalStackEnvironments {
  app: Env;
  /** Undefined for a real tenant (an `https://` or bare AUTH0_DOMAIN): no local provider. */
  provider: Env | undefined;
  /** Undefined without AUTH0_AUDIENCE: the app calls no API. */
  invoicesApi: Env | undefined;
}

/**
 * The environment of each part: the shell's variables, then `.env`'s, then
 * {@link defaults} (an empty value counts as unset, as compose's `${VAR:-default}` has
 * it); then what each part must agree on with the others (the provider's clients are
 * the app's, the API's port is the one the app calls). Pure: `runLocalStack` spawns
 * with it, and a unit test holds it to docker-compose.yml.
 */
export function localStackEnvironments(sources: {
  shell: Readonly<Record<string, string | undefined>>;
  dotenv: Readonly<Record<string, string | undefined>>;
}): LocalStackEnvironments {
  const env: Env = { ...defaults };
  for (const source of [sources.dotenv, sources.shell])
    for (const [key, value] of Object.entries(source))
      if (value !== undefined && (value !== "" || !(key in defaults))) env[key] = value;

  const localProvider = stackEnvironments([env]).provider !== undefined;
  if (localProvider && !env.AUTH0_MGMT_CLIENT_ID && !env.AUTH0_MGMT_CLIENT_SECRET)
    Object.assign(env, localManagementClient);
  const parts = stackEnvironments([env]);
  // Each part also gets the rest of the shell's and .env's variables (PATH, LOG_LEVEL,
  // IDP_KEY_FILE…).
  return {
    app: parts.apps[0]!,
    provider: parts.provider && { ...env, ...parts.provider },
    invoicesApi: parts.invoicesApi && { ...env, ...parts.invoicesApi },
  };
}

/** `.env`, parsed as Node parses it; empty when there is none. */
function readDotenv(): Record<string, string | undefined> {
  const envFile = path.join(root, ".env");
  return existsSync(envFile) ? parseEnv(readFileSync(envFile, "utf8")) : {};
}

async function assertRedisReachable(url: string, command: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.ping();
    await client.quit();
  } catch (error) {
    client.disconnect();
    console.error(
      `${command}: cannot reach Redis at ${url} (${(error as Error).message}).\n` +
        "Start one (redis-server, or docker run -p 6379:6379 redis:7) or set REDIS_URL.",
    );
    process.exit(1);
  }
}

/** Runs the stack until it is stopped (Ctrl-C) or one of its parts exits. */
export async function runLocalStack(mode: LocalStackMode): Promise<void> {
  const command = mode === "dev" ? "dev:local" : "start:local";
  const standaloneServer = path.join(root, ".next/standalone/server.js");
  if (mode === "start" && !existsSync(standaloneServer)) {
    console.error(`${command}: the app is not built: run \`npm run build\` first.`);
    process.exit(1);
  }
  const parts = localStackEnvironments({ shell: process.env, dotenv: readDotenv() });
  await assertRedisReachable(parts.app.REDIS_URL!, command);

  const stack = await launchStack(
    { apps: [parts.app], provider: parts.provider, invoicesApi: parts.invoicesApi },
    { root, base: {}, inheritOutput: true, nextDev: mode === "dev" },
  );
  let stopping = false;
  const stopAll = (status: number) => {
    // The first part to exit decides the status; the others are only being stopped.
    if (stopping) return;
    stopping = true;
    process.exitCode = status;
    void stack.stop();
  };
  void stack.firstExit.then((part) => {
    const { exitCode, signalCode } = part.child;
    if (!stopping)
      console.error(
        `${command}: ${part.name} exited (${exitCode ?? signalCode}); stopping the others`,
      );
    stopAll(exitCode ?? 1);
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => stopAll(0));
  console.log(
    `${command}: open ${parts.app.APP_BASE_URL} and log in as alice / alice-password`,
  );
}
