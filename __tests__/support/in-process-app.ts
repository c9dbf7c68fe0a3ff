import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { NextRequest } from "next/server";
import { freePort } from "../../dev/harness/free-port";
import { submitProviderLogin, type HttpAgent } from "../../dev/harness/http-agent";
import { localAppClient, startLocalProvider, type LocalProvider } from "./local-provider";
import type { testUsers } from "./login";
import { clearPrefix, connectTestRedis } from "./test-redis";

type User = (typeof testUsers)[keyof typeof testUsers];

/**
 * The app's `/auth/*` middleware (lib/http/middleware.ts `handleRequest`) in this
 * process with everything real behind it: the SDK, the app's Redis session store on the
 * run's Redis (under a prefix of its own), and the local provider (dev/idp) as a
 * process, whose login form is filled over HTTP. Requests are Next's own NextRequest,
 * as Next hands them to the proxy.
 */
export interface InProcessApp {
  url: string;
  provider: LocalProvider;
  /** The test's own client on the run's Redis, and the app's key prefix there. */
  redis: Redis;
  prefix: string;
  handleRequest: typeof import("../../lib/http/middleware").handleRequest;
  auth0: typeof import("../../lib/auth0").auth0;
  log: typeof import("../../lib/log").log;
  appRedis: typeof import("../../lib/redis/client").redis;
  transactionCookiePrefix: string;
  sessionCookieName: string;
  /** A request to the app with exactly these cookies (`name=value`) and headers. */
  request(
    pathOrUrl: string | URL,
    cookies?: readonly string[],
    headers?: Record<string, string>,
  ): NextRequest;
  /** `/auth/login` (or `path`): the provider's authorize URL and the transaction cookie. */
  startSignIn(
    path?: string,
    cookies?: readonly string[],
  ): Promise<{ authorizeUrl: URL; transactionCookie: string; response: Response }>;
  /** The provider's side: its login form as `user` (unless SSO answers) → callback URL. */
  signInAtProvider(agent: HttpAgent, authorizeUrl: URL, user: User): Promise<URL>;
  /** A whole sign-in of `user` in the "browser" `agent`: the session cookie, `name=value`. */
  signIn(agent: HttpAgent, user: User): Promise<string>;
  /** Removes the app's keys: the clean slate between tests. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** The `name=value` of each Set-Cookie of `response`. */
export function setCookiePairs(response: Response): string[] {
  return response.headers.getSetCookie().map((line) => line.split(";")[0]!);
}

/** Starts the provider, configures the app (`env` over the defaults) and loads it. */
export async function startInProcessApp(
  env: Record<string, string> = {},
): Promise<InProcessApp> {
  const url = `http://localhost:${await freePort()}`;
  const { redis, prefix } = connectTestRedis();
  const provider = await startLocalProvider("idp", url);
  // The app reads its configuration once, when its modules load: set it first.
  Object.assign(process.env, {
    AUTH0_DOMAIN: provider.url,
    AUTH0_CLIENT_ID: localAppClient.id,
    AUTH0_CLIENT_SECRET: localAppClient.secret,
    AUTH0_SECRET: randomBytes(32).toString("hex"),
    APP_BASE_URL: url,
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: "silent",
    ...env,
  });
  const [middleware, auth0, log, redisClient, cookieNames] = await Promise.all([
    import("../../lib/http/middleware"),
    import("../../lib/auth0"),
    import("../../lib/log"),
    import("../../lib/redis/client"),
    import("../../lib/http/cookie-names"),
  ]);
  await redisClient.redis.connect();
  const { sessionCookieName, transactionCookiePrefix } = cookieNames;
  const isCallback = (next: URL) =>
    next.origin === url && next.pathname === "/auth/callback";

  const app: InProcessApp = {
    url,
    provider,
    redis,
    prefix,
    handleRequest: middleware.handleRequest,
    auth0: auth0.auth0,
    log: log.log,
    appRedis: redisClient.redis,
    transactionCookiePrefix,
    sessionCookieName,
    request: (pathOrUrl, cookies = [], headers = {}) =>
      new NextRequest(new URL(pathOrUrl, url), {
        headers: {
          ...headers,
          ...(cookies.length > 0 ? { cookie: cookies.join("; ") } : {}),
        },
      }),
    async startSignIn(path = "/auth/login", cookies = []) {
      const response = await app.handleRequest(app.request(path, cookies));
      const transactionCookie = setCookiePairs(response).find((pair) =>
        pair.startsWith(transactionCookiePrefix),
      );
      if (response.status !== 307 || !transactionCookie)
        throw new Error(
          `the login answered ${response.status} with no transaction cookie`,
        );
      return {
        authorizeUrl: new URL(response.headers.get("location")!),
        transactionCookie,
        response,
      };
    },
    async signInAtProvider(agent, authorizeUrl, user) {
      const toForm = await agent.follow(authorizeUrl.toString(), isCallback);
      if (toForm.next) return toForm.next;
      await toForm.response.arrayBuffer();
      const formPage = toForm.hops[toForm.hops.length - 1]!;
      const submitted = await submitProviderLogin(agent, formPage, user);
      const location = submitted.headers.get("location");
      if (!location) throw new Error(`the login form answered ${submitted.status}`);
      const toCallback = await agent.follow(
        new URL(location, formPage).toString(),
        isCallback,
      );
      if (!toCallback.next) {
        const page = await toCallback.response.text();
        throw new Error(
          `no callback: ${toCallback.hops.join(" → ")}: ${toCallback.response.status} ${page.slice(0, 800)}`,
        );
      }
      return toCallback.next;
    },
    async signIn(agent, user) {
      const { authorizeUrl, transactionCookie } = await app.startSignIn();
      const callback = await app.signInAtProvider(agent, authorizeUrl, user);
      const response = await app.handleRequest(
        app.request(callback, [transactionCookie]),
      );
      const session = setCookiePairs(response).find(
        (pair) => pair.startsWith(`${sessionCookieName}=`) && !pair.endsWith("="),
      );
      if (response.status !== 307 || !session)
        throw new Error(
          `the callback answered ${response.status} with no session cookie`,
        );
      return session;
    },
    clear: () => clearPrefix(redis, prefix),
    async close() {
      await redisClient.redis.quit();
      await provider.process.stop();
      await clearPrefix(redis, prefix);
      await redis.quit();
    },
  };
  return app;
}
