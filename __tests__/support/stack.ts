import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../../dev/harness/free-port";
import { eventually } from "./eventually";
import { baseEnv } from "../../dev/harness/processes";
import { projectRoot, startProcess, waitForHttp, type RunningProcess } from "./processes";

export { baseEnv };

export const clientId = "e2e-client";
export const clientSecret = "e2e-client-secret-0123456789abcdef0123456789";
export const appSecret = "e2e-app-secret-0123456789abcdef0123456789abcdef";
export const audience = "urn:invoices-api";

const standaloneServer = path.join(projectRoot, ".next/standalone/server.js");
const tsxCli = require.resolve("tsx/cli");

/** The local provider and N app instances, as `docker compose up` runs them. */
export interface Stack {
  idpUrl: string;
  invoicesApiUrl?: string;
  invoicesApi?: RunningProcess;
  appUrls: string[];
  redisUrl: string;
  keyPrefix: string;
  idp: RunningProcess;
  apps: RunningProcess[];
  stop(): Promise<void>;
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

/** Starts the app's standalone server (the Docker image's command) with `env`. */
export function startApp(
  name: string,
  env: Record<string, string | undefined>,
): RunningProcess {
  assertBuilt();
  return startProcess(name, process.execPath, [standaloneServer], {
    ...baseEnv(),
    NODE_ENV: "production",
    HOSTNAME: "127.0.0.1",
    ...env,
  });
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  if (!redisUrl)
    throw new Error("REDIS_URL is not set: the jest globalSetup provides it");
  const instances = options.instances ?? 1;
  const idpPort = await freePort();
  const appPorts: number[] = [];
  for (let i = 0; i < instances; i++) appPorts.push(await freePort());
  const idpUrl = `http://localhost:${idpPort}`;
  const invoicesApiPort = options.invoicesApi ? await freePort() : undefined;
  const invoicesApiUrl = invoicesApiPort
    ? `http://localhost:${invoicesApiPort}`
    : undefined;
  const appUrls = appPorts.map((port) => `http://localhost:${port}`);

  const idp = startProcess("idp", process.execPath, [tsxCli, "dev/idp/server.ts"], {
    ...baseEnv(),
    IDP_PORT: String(idpPort),
    IDP_HOST: "127.0.0.1",
    IDP_APP_URLS: appUrls.join(","),
    IDP_CLIENT_ID: clientId,
    IDP_CLIENT_SECRET: clientSecret,
    IDP_AUDIENCE: audience,
    IDP_KEY_FILE: path.join(
      mkdtempSync(path.join(tmpdir(), "idp-key-")),
      "signing-key.json",
    ),
    ...options.idpEnv,
  });
  const invoicesApi = invoicesApiPort
    ? startProcess(
        "invoices-api",
        process.execPath,
        [tsxCli, "dev/invoices-api/server.ts"],
        {
          ...baseEnv(),
          AUTH0_DOMAIN: idpUrl,
          AUTH0_AUDIENCE: audience,
          INVOICES_API_PORT: String(invoicesApiPort),
          INVOICES_API_HOST: "127.0.0.1",
        },
      )
    : undefined;
  const apps = appPorts.map((port, i) =>
    startApp(`app-${i + 1}`, {
      PORT: String(port),
      AUTH0_DOMAIN: idpUrl,
      AUTH0_CLIENT_ID: clientId,
      AUTH0_CLIENT_SECRET: clientSecret,
      AUTH0_SECRET: appSecret,
      AUTH0_AUDIENCE: audience,
      APP_BASE_URL: appUrls[i],
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: options.keyPrefix,
      ...(invoicesApiUrl ? { INVOICES_API_URL: invoicesApiUrl } : {}),
      ...options.appEnv,
      ...options.instanceEnv?.[i],
    }),
  );
  const stop = async () => {
    await Promise.all([
      idp.stop(),
      invoicesApi?.stop(),
      ...apps.map((app) => app.stop()),
    ]);
  };
  try {
    await waitForHttp(`${idpUrl}/healthz`, idp);
    if (invoicesApi) await waitForHttp(`${invoicesApiUrl}/healthz`, invoicesApi);
    await Promise.all(apps.map((app, i) => waitForHttp(`${appUrls[i]}/`, app)));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    idpUrl,
    appUrls,
    redisUrl,
    keyPrefix: options.keyPrefix,
    idp,
    apps,
    stop,
    ...(invoicesApi ? { invoicesApi, invoicesApiUrl } : {}),
  };
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
