/**
 * `npm run dev:local`: the local provider, the sample invoices API and the app (next dev)
 * together, against REDIS_URL (default redis://127.0.0.1:6379). Stops at once, with a
 * clear message, when Redis cannot be reached.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { Redis } from "ioredis";

const defaults: Record<string, string> = {
  REDIS_URL: "redis://127.0.0.1:6379",
  AUTH0_DOMAIN: "http://localhost:4000",
  AUTH0_CLIENT_ID: "local-app-client",
  AUTH0_CLIENT_SECRET: "local-app-client-secret-change-me-0123456789",
  AUTH0_SECRET: "local-development-secret-change-me-0123456789abcdef",
  AUTH0_AUDIENCE: "urn:invoices-api",
  APP_BASE_URL: "http://localhost:3000",
};

/** The environment: the shell's, then `.env`, then the local-provider defaults. */
function localEnv(): Record<string, string> {
  const fromFile: Record<string, string> = {};
  if (existsSync(".env")) {
    for (const line of readFileSync(".env", "utf8").split(/\r?\n/)) {
      const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (match?.[1] && match[2] !== undefined)
        fromFile[match[1]] = match[2].replace(/^(['"])(.*)\1$/, "$2");
    }
  }
  const env = { ...defaults, ...fromFile };
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined) env[key] = value;
  return env;
}

async function assertRedisReachable(url: string): Promise<void> {
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
      `dev:local: cannot reach Redis at ${url} (${(error as Error).message}).\n` +
        "Start one (redis-server, or docker run -p 6379:6379 redis:7) or set REDIS_URL.",
    );
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const env = localEnv();
  await assertRedisReachable(env.REDIS_URL!);
  const domain = new URL(
    env.AUTH0_DOMAIN!.startsWith("http")
      ? env.AUTH0_DOMAIN!
      : `https://${env.AUTH0_DOMAIN}`,
  );
  const children: ChildProcess[] = [];
  const stopAll = (code: number) => {
    for (const child of children) child.kill("SIGTERM");
    process.exitCode = code;
  };
  const run = (
    name: string,
    command: string,
    args: string[],
    extra: Record<string, string>,
  ) => {
    const childEnv = { ...env, ...extra } as NodeJS.ProcessEnv;
    const child = spawn(command, args, { env: childEnv, stdio: "inherit" });
    child.on("exit", (code) => {
      console.log(`dev:local: ${name} exited (${code ?? "signal"})`);
      stopAll(code ?? 0);
    });
    children.push(child);
  };
  // An https domain is a real tenant: then there is no local provider to start.
  if (domain.protocol === "http:") {
    run("provider", process.execPath, [require.resolve("tsx/cli"), "dev/idp/server.ts"], {
      IDP_PORT: domain.port || "4000",
      IDP_CLIENT_ID: env.AUTH0_CLIENT_ID!,
      IDP_CLIENT_SECRET: env.AUTH0_CLIENT_SECRET!,
      IDP_APP_URLS: env.APP_BASE_URL!,
      ...(env.AUTH0_AUDIENCE ? { IDP_AUDIENCE: env.AUTH0_AUDIENCE } : {}),
    });
  }
  if (env.AUTH0_AUDIENCE) {
    const apiPort =
      new URL(env.INVOICES_API_URL ?? "http://localhost:5000").port || "5000";
    run(
      "invoices API",
      process.execPath,
      [require.resolve("tsx/cli"), "dev/invoices-api/server.ts"],
      {
        INVOICES_API_PORT: apiPort,
      },
    );
  }
  run(
    "app",
    process.execPath,
    [
      require.resolve("next/dist/bin/next"),
      "dev",
      "-p",
      new URL(env.APP_BASE_URL!).port || "3000",
    ],
    {},
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.on(signal, () => stopAll(0));
  console.log(`dev:local: open ${env.APP_BASE_URL} and log in as alice / alice-password`);
}

void main();
