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
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { Redis } from "ioredis";

export type LocalStackMode = "dev" | "start";

type Env = Record<string, string>;

const root = path.resolve(__dirname, "..");
const tsxCli = require.resolve("tsx/cli");

/**
 * What every part starts from when neither the shell nor `.env` sets it: the values
 * docker-compose.yml falls back to, which are the local provider's own defaults. The
 * secret is a development value for this local stack only.
 */
const defaults: Env = {
  REDIS_URL: "redis://127.0.0.1:6379",
  AUTH0_DOMAIN: "http://localhost:4000",
  AUTH0_CLIENT_ID: "local-app-client",
  AUTH0_CLIENT_SECRET: "local-app-client-secret-change-me-0123456789",
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
  AUTH0_MGMT_CLIENT_ID: "local-mgmt-client",
  AUTH0_MGMT_CLIENT_SECRET: "local-mgmt-client-secret-change-me-0123456789",
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

  const domain = providerUrl(env.AUTH0_DOMAIN!);
  // An http:// domain is the local provider; anything else is a real tenant.
  const localProvider = domain.protocol === "http:";
  if (localProvider && !env.AUTH0_MGMT_CLIENT_ID && !env.AUTH0_MGMT_CLIENT_SECRET)
    Object.assign(env, localManagementClient);

  // Without a port, APP_BASE_URL is a public URL (a tunnel's, say) in front of port 3000.
  const app: Env = { ...env, PORT: new URL(env.APP_BASE_URL!).port || "3000" };
  const provider: Env | undefined = localProvider
    ? {
        ...env,
        IDP_PORT: portOf(domain),
        IDP_ISSUER: `${domain.origin}/`,
        IDP_APP_URLS: env.APP_BASE_URL!,
        IDP_CLIENT_ID: env.AUTH0_CLIENT_ID!,
        IDP_CLIENT_SECRET: env.AUTH0_CLIENT_SECRET!,
        ...(env.AUTH0_MGMT_CLIENT_ID && env.AUTH0_MGMT_CLIENT_SECRET
          ? {
              IDP_MGMT_CLIENT_ID: env.AUTH0_MGMT_CLIENT_ID,
              IDP_MGMT_CLIENT_SECRET: env.AUTH0_MGMT_CLIENT_SECRET,
            }
          : {}),
        ...(env.AUTH0_ROLES_CLAIM ? { IDP_ROLES_CLAIM: env.AUTH0_ROLES_CLAIM } : {}),
        ...(env.AUTH0_AUDIENCE ? { IDP_AUDIENCE: env.AUTH0_AUDIENCE } : {}),
      }
    : undefined;
  const invoicesApi: Env | undefined = env.AUTH0_AUDIENCE
    ? { ...env, INVOICES_API_PORT: portOf(new URL(env.INVOICES_API_URL!)) }
    : undefined;
  return { app, provider, invoicesApi };
}

/** AUTH0_DOMAIN as a URL: a bare domain is an Auth0 tenant, served over https. */
function providerUrl(domain: string): URL {
  return new URL(/^https?:\/\//i.test(domain) ? domain : `https://${domain}`);
}

/** The port `url` is served on: the browser and the app connect to exactly that one. */
function portOf(url: URL): string {
  return url.port || (url.protocol === "https:" ? "443" : "80");
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

  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = (status: number) => {
    // The first part to exit decides the status; the others are only being stopped.
    if (stopping) return;
    stopping = true;
    process.exitCode = status;
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  };
  const run = (name: string, args: string[], env: Env) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: env as NodeJS.ProcessEnv,
      stdio: "inherit",
    });
    child.on("exit", (code, signal) => {
      if (!stopping)
        console.error(
          `${command}: ${name} exited (${code ?? signal}); stopping the others`,
        );
      stopAll(code ?? 1);
    });
    children.push(child);
  };

  if (parts.provider) run("provider", [tsxCli, "dev/idp/server.ts"], parts.provider);
  if (parts.invoicesApi)
    run("invoices API", [tsxCli, "dev/invoices-api/server.ts"], parts.invoicesApi);
  if (mode === "dev") {
    const next = require.resolve("next/dist/bin/next");
    run("app", [next, "dev", "-p", parts.app.PORT!], parts.app);
  } else {
    run("app", [path.join(root, "scripts/start.mjs")], parts.app);
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => stopAll(0));
  console.log(
    `${command}: open ${parts.app.APP_BASE_URL} and log in as alice / alice-password`,
  );
}
