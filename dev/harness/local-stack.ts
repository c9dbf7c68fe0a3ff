/*
 * The local stack: the local provider (dev/idp), the sample invoices API
 * (dev/invoices-api) and the app, on a Redis the caller provides. The one way it is
 * started: by the tests (__tests__/support/stack.ts, local-provider.ts), the benchmarks
 * (bench/) and `npm run dev:local` / `start:local` (scripts/local-stack.ts).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./free-port";
import { baseEnv, startProcess, waitForHttp, type RunningProcess } from "./processes";
import {
  localProviderClients,
  stackEnvironments,
  type StackEnvironments,
} from "./stack-environments";

export { localProviderClients, stackEnvironments, type StackEnvironments };

type Env = Record<string, string>;

const projectRoot = path.resolve(__dirname, "../..");
const tsxCli = require.resolve("tsx/cli");

/** How a part of the stack is run. */
export interface PartOptions {
  /** Where the parts run from: its dev/ and its build. @default the project */
  root?: string;
  /** What each part's environment starts from. @default baseEnv() */
  base?: Record<string, string | undefined>;
  /** Also write each part's output to `<logDir>/<name>.log`. */
  logDir?: string;
  /** The parts write to this process's terminal (see StartProcessOptions). @default false */
  inheritOutput?: boolean;
  /** The app under `next dev` instead of the build's standalone server. @default false */
  nextDev?: boolean;
  /** Options of the app's Node.js process, e.g. `--cpu-prof`. */
  appNodeOptions?: readonly string[];
}

/** One part of the stack, with `env` over `options.base`: how each is run, in one place. */
export function startPart(
  part: "provider" | "invoicesApi" | "app",
  name: string,
  env: Record<string, string | undefined>,
  options: PartOptions = {},
): RunningProcess {
  const root = options.root ?? projectRoot;
  const production = part === "app" && !options.nextDev;
  const args =
    part === "provider"
      ? [tsxCli, "dev/idp/server.ts"]
      : part === "invoicesApi"
        ? [tsxCli, "dev/invoices-api/server.ts"]
        : production
          ? [
              ...(options.appNodeOptions ?? []),
              path.join(root, ".next/standalone/server.js"),
            ]
          : [require.resolve("next/dist/bin/next"), "dev", "-p", env.PORT ?? "3000"];
  return startProcess(
    name,
    process.execPath,
    args,
    {
      ...(options.base ?? baseEnv()),
      ...(production ? { NODE_ENV: "production" } : {}),
      ...env,
    },
    { cwd: root, logDir: options.logDir, inheritOutput: options.inheritOutput },
  );
}

export interface LaunchOptions extends PartOptions {
  /**
   * Wait until each part answers (the provider and the API their /healthz, each app
   * this path), and stop them all if one does not. Unset: return once they are started.
   */
  readyPath?: string;
  /** The parts' names (their log files'). @default idp, invoices-api, app (app-1, app-2…) */
  names?: { provider?: string; invoicesApi?: string; app?: string };
}

/** The running parts of a stack. */
export interface LaunchedStack {
  provider: RunningProcess | undefined;
  invoicesApi: RunningProcess | undefined;
  apps: RunningProcess[];
  /** The first part to exit, when one does. */
  firstExit: Promise<RunningProcess>;
  /** Stops every part and waits until each has exited. */
  stop(): Promise<void>;
}

/** Starts the parts `parts` describes: no provider, no API when it has none. */
export async function launchStack(
  parts: StackEnvironments,
  options: LaunchOptions = {},
): Promise<LaunchedStack> {
  const names = {
    provider: "idp",
    invoicesApi: "invoices-api",
    app: "app",
    ...options.names,
  };
  const provider =
    parts.provider && startPart("provider", names.provider, parts.provider, options);
  const invoicesApi =
    parts.invoicesApi &&
    startPart("invoicesApi", names.invoicesApi, parts.invoicesApi, options);
  const apps = parts.apps.map((env, i) =>
    startPart(
      "app",
      parts.apps.length === 1 ? names.app : `${names.app}-${i + 1}`,
      env,
      options,
    ),
  );
  const running = [provider, invoicesApi, ...apps].filter(
    (part): part is RunningProcess => part !== undefined,
  );
  const stack: LaunchedStack = {
    provider,
    invoicesApi,
    apps,
    firstExit: Promise.race(running.map((part) => part.exited.then(() => part))),
    stop: async () => {
      await Promise.all(running.map((part) => part.stop()));
    },
  };
  if (options.readyPath === undefined) return stack;
  try {
    if (provider) await waitForHttp(`${parts.provider!.IDP_ISSUER}healthz`, provider);
    if (invoicesApi) {
      const { INVOICES_API_HOST: host = "localhost", INVOICES_API_PORT: port } =
        parts.invoicesApi!;
      await waitForHttp(`http://${host}:${port}/healthz`, invoicesApi);
    }
    const readyPath = options.readyPath;
    await Promise.all(
      apps.map((app, i) =>
        waitForHttp(`${parts.apps[i]!.APP_BASE_URL}${readyPath}`, app),
      ),
    );
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

/** The app client the stack's provider knows and its apps use, unless told otherwise. */
export const localStackApp = {
  clientId: "stack-client",
  clientSecret: "stack-client-secret-0123456789abcdef0123456789",
  secret: "stack-app-secret-0123456789abcdef0123456789abcdef",
  audience: "urn:invoices-api",
} as const;

export interface LocalStackOptions extends Omit<LaunchOptions, "readyPath"> {
  /** @default 1 */
  instances?: number;
  /** Also start the sample invoices API. @default false */
  invoicesApi?: boolean;
  /** The Redis of every app: one server, or a Redis Cluster's nodes. */
  redis: { url: string } | { nodes: readonly string[] };
  /** The apps' settings over the stack's ({@link localStackApp}, Redis, URLs). */
  appEnv?: Env;
  /** Per instance, over `appEnv`: e.g. one instance's Redis through a proxy. */
  instanceEnv?: ReadonlyArray<Env>;
  /** The provider's settings over the ones it must agree on (e.g. token lifetimes). */
  providerEnv?: Env;
  /** The provider's signing key. @default a new one in a temporary directory */
  providerKeyFile?: string;
  /** Where an app answers once it is up. @default "/" */
  readyPath?: string;
}

/** A stack on free loopback ports, up and answering. */
export interface LocalStack {
  /** The provider's URL as the app names it (AUTH0_DOMAIN), without a trailing slash. */
  idpUrl: string;
  invoicesApiUrl: string | undefined;
  /** Each app's APP_BASE_URL. */
  appUrls: string[];
  idp: RunningProcess;
  invoicesApi: RunningProcess | undefined;
  apps: RunningProcess[];
  stop(): Promise<void>;
}

/**
 * Starts the provider, the invoices API when asked for, and `instances` apps, each on
 * a free port of 127.0.0.1 named `localhost` (the SDK refuses an IP address as the
 * provider's domain), and waits until every part answers.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const idpUrl = `http://localhost:${await freePort()}`;
  const appUrls: string[] = [];
  for (let i = 0; i < (options.instances ?? 1); i++)
    appUrls.push(`http://localhost:${await freePort()}`);
  const invoicesApiUrl = options.invoicesApi
    ? `http://localhost:${await freePort()}`
    : undefined;
  const redis: Env =
    "url" in options.redis
      ? { REDIS_URL: options.redis.url }
      : { REDIS_URL: "", REDIS_CLUSTER_NODES: options.redis.nodes.join(",") };
  const parts = stackEnvironments(
    appUrls.map((appUrl, i) => ({
      HOSTNAME: "127.0.0.1",
      AUTH0_DOMAIN: idpUrl,
      AUTH0_CLIENT_ID: localStackApp.clientId,
      AUTH0_CLIENT_SECRET: localStackApp.clientSecret,
      AUTH0_SECRET: localStackApp.secret,
      AUTH0_AUDIENCE: localStackApp.audience,
      APP_BASE_URL: appUrl,
      ...redis,
      ...(invoicesApiUrl ? { INVOICES_API_URL: invoicesApiUrl } : {}),
      ...options.appEnv,
      ...options.instanceEnv?.[i],
    })),
  );
  const launched = await launchStack(
    {
      apps: parts.apps,
      provider: {
        ...parts.provider!,
        IDP_HOST: "127.0.0.1",
        IDP_KEY_FILE: options.providerKeyFile ?? temporaryKeyFile(),
        ...options.providerEnv,
      },
      invoicesApi:
        invoicesApiUrl && parts.invoicesApi
          ? { ...parts.invoicesApi, INVOICES_API_HOST: "127.0.0.1" }
          : undefined,
    },
    { ...options, readyPath: options.readyPath ?? "/" },
  );
  return {
    idpUrl,
    invoicesApiUrl,
    appUrls,
    idp: launched.provider!,
    invoicesApi: launched.invoicesApi,
    apps: launched.apps,
    stop: () => launched.stop(),
  };
}

/**
 * The local provider alone, on a free loopback port, for the apps (or stand-ins) at
 * `appUrls` with the provider's own default clients; up and answering.
 */
export async function startLocalProvider(options: {
  appUrls: readonly string[];
  /** Its process's name (its log file's). @default idp */
  name?: string;
  /** @default a new one in a temporary directory */
  keyFile?: string;
  logDir?: string;
}): Promise<{ url: string; process: RunningProcess }> {
  const url = `http://localhost:${await freePort()}`;
  const { provider } = stackEnvironments(
    options.appUrls.map((appUrl) => ({
      AUTH0_DOMAIN: url,
      AUTH0_CLIENT_ID: localProviderClients.app.id,
      AUTH0_CLIENT_SECRET: localProviderClients.app.secret,
      APP_BASE_URL: appUrl,
    })),
  );
  const launched = await launchStack(
    {
      apps: [],
      provider: {
        ...provider!,
        IDP_HOST: "127.0.0.1",
        IDP_KEY_FILE: options.keyFile ?? temporaryKeyFile(),
      },
      invoicesApi: undefined,
    },
    {
      logDir: options.logDir,
      readyPath: "/",
      ...(options.name ? { names: { provider: options.name } } : {}),
    },
  );
  return { url, process: launched.provider! };
}

function temporaryKeyFile(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), "idp-key-")), "signing-key.json");
}
