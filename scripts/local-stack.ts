/**
 * The whole local stack in one command: the local provider (dev/idp), the sample
 * invoices API (dev/invoices-api) and the app, against REDIS_URL (default
 * redis://127.0.0.1:6379). `npm run dev:local` runs the app with `next dev` (output in
 * .next-dev); `npm run start:local` runs the production build (`npm run build` first),
 * as `npm start` does. The environment is the shell's, then `.env`, then the local
 * provider's defaults. It stops at once, with a clear message, when Redis cannot be
 * reached or the build is missing; when any part exits, it stops the others and exits
 * with that part's status (1 when a part was killed), so a bad configuration is never
 * a silent success.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { Redis } from "ioredis";

export type LocalStackMode = "dev" | "start";

const root = path.resolve(__dirname, "..");
const tsxCli = require.resolve("tsx/cli");

const defaults: Record<string, string> = {
  REDIS_URL: "redis://127.0.0.1:6379",
  AUTH0_DOMAIN: "http://localhost:4000",
  AUTH0_CLIENT_ID: "local-app-client",
  AUTH0_CLIENT_SECRET: "local-app-client-secret-change-me-0123456789",
  AUTH0_SECRET: "local-development-secret-change-me-0123456789abcdef",
  AUTH0_AUDIENCE: "urn:invoices-api",
  APP_BASE_URL: "http://localhost:3000",
};

/** The environment: the shell's, then `.env` (parsed as Node parses it), then defaults. */
function localEnv(): Record<string, string> {
  const envFile = path.join(root, ".env");
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, "utf8")) : {};
  const env: Record<string, string> = { ...defaults };
  for (const source of [fromFile, process.env])
    for (const [key, value] of Object.entries(source))
      if (value !== undefined) env[key] = value;
  return env;
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
  const env = localEnv();
  await assertRedisReachable(env.REDIS_URL!, command);
  const domain = new URL(
    /^https?:\/\//i.test(env.AUTH0_DOMAIN!)
      ? env.AUTH0_DOMAIN!
      : `https://${env.AUTH0_DOMAIN}`,
  );
  const appPort = new URL(env.APP_BASE_URL!).port || "3000";

  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = (status: number) => {
    // The first part to exit decides the status; the others are only being stopped.
    if (stopping) return;
    stopping = true;
    process.exitCode = status;
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  };
  const run = (name: string, args: string[], extra: Record<string, string> = {}) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...env, ...extra } as NodeJS.ProcessEnv,
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

  // An https domain is a real tenant: then there is no local provider to start.
  if (domain.protocol === "http:") {
    run("provider", [tsxCli, "dev/idp/server.ts"], {
      IDP_PORT: domain.port || "4000",
      IDP_CLIENT_ID: env.AUTH0_CLIENT_ID!,
      IDP_CLIENT_SECRET: env.AUTH0_CLIENT_SECRET!,
      IDP_APP_URLS: env.APP_BASE_URL!,
      ...(env.AUTH0_AUDIENCE ? { IDP_AUDIENCE: env.AUTH0_AUDIENCE } : {}),
    });
  }
  if (env.AUTH0_AUDIENCE) {
    run("invoices API", [tsxCli, "dev/invoices-api/server.ts"], {
      INVOICES_API_PORT:
        new URL(env.INVOICES_API_URL ?? "http://localhost:5000").port || "5000",
    });
  }
  if (mode === "dev") {
    run("app", [require.resolve("next/dist/bin/next"), "dev", "-p", appPort]);
  } else {
    run("app", [path.join(root, "scripts/start.mjs")], { PORT: appPort });
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => stopAll(0));
  console.log(
    `${command}: open ${env.APP_BASE_URL} and log in as alice / alice-password`,
  );
}
