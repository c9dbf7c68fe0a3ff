/*
 * The `/auth/*` middleware (lib/http/middleware.ts `handleRequest`) in this process with
 * everything real behind it: the SDK, the app's Redis session store on the run's Redis,
 * and the local provider (dev/idp) as a process, whose login form is filled over HTTP.
 * Requests are Next's own NextRequest, as Next hands them to the proxy.
 *
 * What it proves: a request's cost does not grow faster than its size however many
 * transaction cookies it carries, while a sign-in still finds its own among them (the
 * SDK's transaction-cookie name and value format are the seam: a failure here after an
 * SDK upgrade means lib/http/transaction-cookies.ts reads them wrongly); and a sign-in
 * started from any link is a sign-in of its own, never merged into the session already
 * in the browser.
 */
import type { SessionData } from "@auth0/nextjs-auth0/types";
import { decodeJwt } from "jose";
import { HttpAgent } from "../../dev/harness/http-agent";
import {
  setCookiePairs,
  startInProcessApp,
  type InProcessApp,
} from "../support/in-process-app";
import type { LocalProvider } from "../support/local-provider";
import { testUsers } from "../support/login";

jest.setTimeout(120_000);

type App = InProcessApp & {
  sessionStore: typeof import("../../lib/session").sessionStore;
  maxTransactionCookies: number;
};

const audience = "urn:invoices-api";
let provider: LocalProvider;
let appUrl: string;
let app: App;

beforeAll(async () => {
  const started = await startInProcessApp({ AUTH0_AUDIENCE: audience });
  const [session, transactionCookies] = await Promise.all([
    import("../../lib/session"),
    import("../../lib/http/transaction-cookies"),
  ]);
  app = {
    ...started,
    sessionStore: session.sessionStore,
    maxTransactionCookies: transactionCookies.maxTransactionCookies,
  };
  ({ provider, url: appUrl } = started);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await app.clear();
});

afterAll(() => app?.close());

const appRequest = (pathOrUrl: string | URL, cookies: readonly string[] = []) =>
  app.request(pathOrUrl, cookies);
const setCookies = setCookiePairs;

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

/** The session cookie (`name=value`) a callback set, or undefined. */
function sessionCookieOf(response: Response): string | undefined {
  return setCookies(response).find(
    (pair) => pair.startsWith(`${app.sessionCookieName}=`) && !pair.endsWith("="),
  );
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
    const { authorizeUrl, transactionCookie } = await app.startSignIn(
      "/auth/login?returnTo=/profile",
    );
    // The SDK's format: `<prefix><state>=<epoch seconds>:<jwe>`, the colon URL-encoded.
    expect(transactionCookie).toMatch(
      new RegExp(`^${app.transactionCookiePrefix}[\\w-]+=\\d+%3A[\\w-]+(\\.[\\w-]*){4}$`),
    );
    const callback = await app.signInAtProvider(agent, authorizeUrl, testUsers.alice);
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
    const { authorizeUrl } = await app.startSignIn(
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
    const aliceCookie = await app.signIn(new HttpAgent(), testUsers.alice);
    const alice = await sessionOf(aliceCookie);
    expect(alice?.user.sub).toBe(testUsers.alice.sub);

    const { authorizeUrl, transactionCookie } = await app.startSignIn(
      "/auth/login?challengeMode=popup&prompt=login",
      [aliceCookie],
    );
    // Bob signs in at the provider in a browser of his own there (its switch of account
    // in one browser needs JavaScript); the app sees alice's session cookie either way.
    const callback = await app.signInAtProvider(
      new HttpAgent(),
      authorizeUrl,
      testUsers.bob,
    );
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
    const aliceCookie = await app.signIn(new HttpAgent(), testUsers.alice);
    // The SDK's popup flow started directly, as no link can any more: the store's check
    // is the second line behind the allow-list.
    const login = await app.auth0.middleware(
      appRequest("/auth/login?challengeMode=popup&prompt=login", [aliceCookie]),
    );
    const transactionCookie = setCookies(login).find((pair) =>
      pair.startsWith(app.transactionCookiePrefix),
    )!;
    const callback = await app.signInAtProvider(
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
