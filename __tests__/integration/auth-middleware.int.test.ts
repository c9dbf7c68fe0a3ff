/*
 * The `/auth/*` middleware (lib/http/middleware.ts `handleRequest`) in this process with
 * everything real behind it: the SDK, the app's Redis session store on the run's Redis,
 * and the local provider (dev/idp) as a process, whose login form is filled over HTTP.
 * Requests are Next's own NextRequest, as Next hands them to the middleware.
 *
 * What it proves: a request's cost does not grow faster than its size however many
 * transaction cookies it carries, while a sign-in still finds its own among them (the
 * SDK's transaction-cookie name and value format are the seam: a failure here after an
 * SDK upgrade means lib/http/transaction-cookies.ts reads them wrongly); and a sign-in
 * started from any link is a sign-in of its own, never merged into the session already
 * in the browser.
 */
import { randomBytes } from "node:crypto";
import type { SessionData } from "@auth0/nextjs-auth0/types";
import type { Redis } from "ioredis";
import { decodeJwt } from "jose";
import { NextRequest } from "next/server";
import { freePort } from "../../dev/harness/free-port";
import { HttpAgent, submitProviderLogin } from "../../dev/harness/http-agent";
import {
  localAppClient,
  startLocalProvider,
  type LocalProvider,
} from "../support/local-provider";
import { testUsers } from "../support/login";
import { clearPrefix, connectTestRedis } from "../support/test-redis";

jest.setTimeout(120_000);

type User = (typeof testUsers)[keyof typeof testUsers];
type App = {
  handleRequest: typeof import("../../lib/http/middleware").handleRequest;
  auth0: typeof import("../../lib/auth0").auth0;
  sessionStore: typeof import("../../lib/session").sessionStore;
  log: typeof import("../../lib/log").log;
  appRedis: typeof import("../../lib/redis/client").redis;
  maxTransactionCookies: number;
  transactionCookiePrefix: string;
  sessionCookieName: string;
};

const audience = "urn:invoices-api";
let provider: LocalProvider;
let appUrl: string;
let redis: Redis;
let prefix: string;
let app: App;

beforeAll(async () => {
  appUrl = `http://localhost:${await freePort()}`;
  ({ redis, prefix } = connectTestRedis());
  provider = await startLocalProvider("idp", appUrl);
  // The app reads its configuration once, when its modules load: set it first.
  Object.assign(process.env, {
    AUTH0_DOMAIN: provider.url,
    AUTH0_CLIENT_ID: localAppClient.id,
    AUTH0_CLIENT_SECRET: localAppClient.secret,
    AUTH0_SECRET: randomBytes(32).toString("hex"),
    AUTH0_AUDIENCE: audience,
    APP_BASE_URL: appUrl,
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: "silent",
  });
  const [middleware, auth0, session, log, redisClient, transactionCookies, cookieNames] =
    await Promise.all([
      import("../../lib/http/middleware"),
      import("../../lib/auth0"),
      import("../../lib/session"),
      import("../../lib/log"),
      import("../../lib/redis/client"),
      import("../../lib/http/transaction-cookies"),
      import("../../lib/http/cookie-names"),
    ]);
  app = {
    handleRequest: middleware.handleRequest,
    auth0: auth0.auth0,
    sessionStore: session.sessionStore,
    log: log.log,
    appRedis: redisClient.redis,
    maxTransactionCookies: transactionCookies.maxTransactionCookies,
    transactionCookiePrefix: cookieNames.transactionCookiePrefix,
    sessionCookieName: cookieNames.sessionCookieName,
  };
  await app.appRedis.connect();
});

afterEach(async () => {
  jest.restoreAllMocks();
  await clearPrefix(redis, prefix);
});

afterAll(async () => {
  await app?.appRedis.quit();
  await provider?.process.stop();
  await redis.quit();
});

/** A request to the app as Next hands it to the middleware. */
function appRequest(
  pathOrUrl: string | URL,
  cookies: readonly string[] = [],
): NextRequest {
  return new NextRequest(new URL(pathOrUrl, appUrl), {
    headers: cookies.length > 0 ? { cookie: cookies.join("; ") } : {},
  });
}

/** The `name=value` of each Set-Cookie of `response`. */
function setCookies(response: Response): string[] {
  return response.headers.getSetCookie().map((line) => line.split(";")[0]!);
}

/** `count` empty transaction cookies, `__txn_0000=` …: 1,450 of them are 16 KB. */
function emptyTransactionCookies(count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => `${app.transactionCookiePrefix}${String(i).padStart(4, "0")}=`,
  );
}

/**
 * The median time (ms) of each request over `runs` runs, taken in turns so that both
 * see the same load on the machine, after one run each to warm up.
 */
async function medianTimesMs(
  requests: ReadonlyArray<() => Promise<Response>>,
  runs = 9,
): Promise<number[]> {
  for (const request of requests) await (await request()).arrayBuffer();
  const times: number[][] = requests.map(() => []);
  for (let run = 0; run < runs; run++) {
    for (const [i, request] of requests.entries()) {
      const started = performance.now();
      const response = await request();
      times[i]!.push(performance.now() - started);
      await response.arrayBuffer();
    }
  }
  return times.map((each) => each.sort((a, b) => a - b)[Math.floor(runs / 2)]!);
}

/**
 * Unbounded, 1,450 transaction cookies cost 1.4 to 2 s against about 1 ms for one: a
 * ratio in the thousands. Bounded, a few times one. 20×, or 50 ms when one is so fast
 * that timer noise counts, tells the two apart on a busy machine.
 */
function expectNoSlowerThanSize(floodMs: number, oneMs: number): void {
  expect(floodMs).toBeLessThan(Math.max(20 * oneMs, 50));
}

/** `/auth/login` through the middleware: its redirect to the provider and its cookie. */
async function startSignIn(
  path: string,
  cookies: readonly string[] = [],
): Promise<{ authorizeUrl: URL; transactionCookie: string }> {
  const response = await app.handleRequest(appRequest(path, cookies));
  expect(response.status).toBe(307);
  const transactionCookie = setCookies(response).find((pair) =>
    pair.startsWith(app.transactionCookiePrefix),
  );
  if (!transactionCookie) throw new Error("the login set no transaction cookie");
  return { authorizeUrl: new URL(response.headers.get("location")!), transactionCookie };
}

/** The provider's side: its login form as `user` (unless it signs in by SSO) → callback URL. */
async function signInAtProvider(
  agent: HttpAgent,
  authorizeUrl: URL,
  user: User,
): Promise<URL> {
  const isCallback = (url: URL) =>
    url.origin === appUrl && url.pathname === "/auth/callback";
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
}

/** The session cookie (`name=value`) a callback set, or undefined. */
function sessionCookieOf(response: Response): string | undefined {
  return setCookies(response).find(
    (pair) => pair.startsWith(`${app.sessionCookieName}=`) && !pair.endsWith("="),
  );
}

/** A whole sign-in of `user` in the "browser" `agent`; its session cookie. */
async function signIn(agent: HttpAgent, user: User): Promise<string> {
  const { authorizeUrl, transactionCookie } = await startSignIn("/auth/login");
  const callback = await signInAtProvider(agent, authorizeUrl, user);
  const response = await app.handleRequest(appRequest(callback, [transactionCookie]));
  expect(response.status).toBe(307);
  return sessionCookieOf(response)!;
}

async function sessionOf(sessionCookie: string): Promise<SessionData | null> {
  return app.auth0.getSession(appRequest("/", [sessionCookie]));
}

describe("a request's cost does not grow with the square of its transaction cookies", () => {
  it("answers a logout carrying 1,450 empty transaction cookies (16 KB) with a Set-Cookie per kept cookie at most, in under 20× the time of one", async () => {
    const flood = emptyTransactionCookies(1450);
    expect(flood.join("; ").length).toBeGreaterThan(16_000);
    const logout = (cookies: string[]) => () =>
      app.handleRequest(appRequest("/auth/logout", cookies));

    const response = await logout(flood)();
    expect(response.status).toBe(307);
    expect(new URL(response.headers.get("location")!).origin).toBe(provider.url);
    // The session cookie's deletion and, at most, one per transaction cookie kept.
    expect(response.headers.getSetCookie().length).toBeLessThanOrEqual(
      app.maxTransactionCookies + 1,
    );

    const [one, many] = await medianTimesMs([
      logout(emptyTransactionCookies(1)),
      logout(flood),
    ]);
    expectNoSlowerThanSize(many!, one!);
  });

  it("answers a login carrying 1,450 empty transaction cookies with its one new cookie, in under 20× the time of one", async () => {
    const flood = emptyTransactionCookies(1450);
    const login = (cookies: string[]) => () =>
      app.handleRequest(appRequest("/auth/login?returnTo=/profile", cookies));

    const response = await login(flood)();
    expect(response.status).toBe(307);
    expect(setCookies(response)).toHaveLength(1);

    const [one, many] = await medianTimesMs([
      login(emptyTransactionCookies(1)),
      login(flood),
    ]);
    expectNoSlowerThanSize(many!, one!);
  });

  it("completes a sign-in whose own transaction cookie is among 1,450 newer stale ones", async () => {
    const agent = new HttpAgent();
    const { authorizeUrl, transactionCookie } = await startSignIn(
      "/auth/login?returnTo=/profile",
    );
    // The SDK's format: `<prefix><state>=<epoch seconds>:<jwe>`, the colon URL-encoded.
    expect(transactionCookie).toMatch(
      new RegExp(`^${app.transactionCookiePrefix}[\\w-]+=\\d+%3A[\\w-]+(\\.[\\w-]*){4}$`),
    );
    const callback = await signInAtProvider(agent, authorizeUrl, testUsers.alice);
    expect(
      transactionCookie.startsWith(
        `${app.transactionCookiePrefix}${callback.searchParams.get("state")}=`,
      ),
    ).toBe(true);
    // Written after it, so "the newest" alone would keep these and drop it.
    const later = Math.floor(Date.now() / 1000) + 60;
    const stale = emptyTransactionCookies(1450).map((pair) => `${pair}${later}:x`);
    const warn = jest.spyOn(app.log, "warn");

    const response = await app.handleRequest(
      appRequest(callback, [
        ...stale.slice(0, 700),
        transactionCookie,
        ...stale.slice(700),
      ]),
    );
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe(`${appUrl}/profile`);
    const session = await sessionOf(sessionCookieOf(response)!);
    expect(session?.user.sub).toBe(testUsers.alice.sub);
    expect(warn).toHaveBeenCalledWith(
      {
        event: "transaction_cookies_dropped",
        path: "/auth/callback",
        dropped: 1451 - app.maxTransactionCookies,
      },
      expect.any(String),
    );
  });
});

describe("a sign-in from any link is a sign-in of its own", () => {
  it("turns /auth/login?challengeMode=popup into an ordinary sign-in with the app's own audience and scope", async () => {
    const { authorizeUrl } = await startSignIn(
      "/auth/login?challengeMode=popup&audience=urn%3Aother-api&scope=openid&connection=evil&prompt=login&returnTo=/profile",
    );
    expect(authorizeUrl.searchParams.get("audience")).toBe(audience);
    expect(authorizeUrl.searchParams.get("scope")).toBe(
      "openid profile email offline_access",
    );
    expect(authorizeUrl.searchParams.has("connection")).toBe(false);
    expect(authorizeUrl.searchParams.get("prompt")).toBe("login");
    expect(authorizeUrl.searchParams.has("challengeMode")).toBe(false);
  });

  it("signs bob in through /auth/login?challengeMode=popup in alice's browser: bob's session, bob's sid and tokens, alice's gone", async () => {
    const aliceCookie = await signIn(new HttpAgent(), testUsers.alice);
    const alice = await sessionOf(aliceCookie);
    expect(alice?.user.sub).toBe(testUsers.alice.sub);

    const { authorizeUrl, transactionCookie } = await startSignIn(
      "/auth/login?challengeMode=popup&prompt=login",
      [aliceCookie],
    );
    // Bob signs in at the provider in a browser of his own there (its switch of account
    // in one browser needs JavaScript); the app sees alice's session cookie either way.
    const callback = await signInAtProvider(new HttpAgent(), authorizeUrl, testUsers.bob);
    const response = await app.handleRequest(
      appRequest(callback, [aliceCookie, transactionCookie]),
    );
    // The popup flow would answer 200 with a postMessage page; this is the redirect flow.
    expect(response.status).toBe(307);
    const bob = await sessionOf(sessionCookieOf(response)!);
    expect(bob?.user.sub).toBe(testUsers.bob.sub);
    const idToken = decodeJwt(bob!.tokenSet.idToken!);
    expect(idToken.sub).toBe(testUsers.bob.sub);
    expect(bob?.internal.sid).toBe(idToken.sid);
    expect(bob?.internal.sid).not.toBe(alice?.internal.sid);
    expect(decodeJwt(bob!.tokenSet.accessToken).sub).toBe(testUsers.bob.sub);
    expect(bob?.accessTokens ?? []).toEqual([]);
    expect(await app.sessionStore.listSessionsOfUser(testUsers.alice.sub)).toEqual([]);
    expect(await sessionOf(aliceCookie)).toBeNull();
  });

  it("answers 400 and keeps nothing when the SDK merges bob's sign-in into alice's session", async () => {
    const aliceCookie = await signIn(new HttpAgent(), testUsers.alice);
    // The SDK's popup flow started directly, as no link can any more: the store's check
    // is the second line behind the allow-list.
    const login = await app.auth0.middleware(
      appRequest("/auth/login?challengeMode=popup&prompt=login", [aliceCookie]),
    );
    const transactionCookie = setCookies(login).find((pair) =>
      pair.startsWith(app.transactionCookiePrefix),
    )!;
    const callback = await signInAtProvider(
      new HttpAgent(),
      new URL(login.headers.get("location")!),
      testUsers.bob,
    );
    const warn = jest.spyOn(app.log, "warn");

    const response = await app.handleRequest(
      appRequest(callback, [aliceCookie, transactionCookie]),
    );
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain("<h1>This sign-in was not kept</h1>");
    expect(body).toContain('href="/auth/login"');
    expect(sessionCookieOf(response)).toBeUndefined();
    expect(setCookies(response)).toEqual([`${transactionCookie.split("=")[0]}=`]);
    expect(await sessionOf(aliceCookie)).toBeNull();
    expect(await app.sessionStore.listSessionsOfUser(testUsers.alice.sub)).toEqual([]);
    expect(await app.sessionStore.listSessionsOfUser(testUsers.bob.sub)).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      { event: "session_mismatch", mismatch: "sid", subs: [testUsers.bob.sub] },
      expect.any(String),
    );
    expect(JSON.stringify(warn.mock.calls)).not.toMatch(/eyJ/);
  });
});
