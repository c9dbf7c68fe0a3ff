/*
 * `/auth/logout` through the app's middleware (lib/http/middleware.ts `handleRequest`),
 * in this process, with the SDK, the app's session store on the run's Redis and the
 * local provider (dev/idp) as a process: sessions are real sign-ins, their cookies the
 * ones the callback set.
 *
 * What it proves: a logout ends the server session the request carried even when the
 * cookie holding it is one no reader accepts (`appSession`, or one of two copies of the
 * session cookie), and clears those cookies; a cross-site logout ends nothing; and the
 * logout redirect carries no ID token, yet the local provider (like Auth0, from
 * `client_id` and `post_logout_redirect_uri`) signs the user out and sends them back to
 * APP_BASE_URL.
 */
import type { Redis } from "ioredis";
import { HttpAgent } from "../../dev/harness/http-agent";
import {
  setCookiePairs,
  startInProcessApp,
  type InProcessApp,
} from "../support/in-process-app";
import { localAppClient, type LocalProvider } from "../support/local-provider";
import { testUsers } from "../support/login";
import { keysUnder } from "../support/test-redis";

jest.setTimeout(120_000);

let provider: LocalProvider;
let appUrl: string;
let redis: Redis;
let prefix: string;
let app: InProcessApp;

beforeAll(async () => {
  app = await startInProcessApp();
  ({ provider, url: appUrl, redis, prefix } = app);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await app.clear();
});

afterAll(() => app?.close());

const appRequest = (
  pathOrUrl: string | URL,
  cookies: readonly string[] = [],
  headers: Record<string, string> = {},
) => app.request(pathOrUrl, cookies, headers);
const setCookies = setCookiePairs;

/** A whole sign-in of `user` in the "browser" `agent` (its provider side): the cookie's value. */
async function signIn(
  agent: HttpAgent,
  user: (typeof testUsers)[keyof typeof testUsers],
) {
  const pair = await app.signIn(agent, user);
  return pair.slice(app.sessionCookieName.length + 1);
}

const liveSessions = async () => (await keysUnder(redis, `${prefix}session:`)).length;

describe("a logout ends the sessions of the cookies no reader accepts", () => {
  let alice: string;
  let bob: string;

  beforeEach(async () => {
    alice = await signIn(new HttpAgent(), testUsers.alice);
    // Bob's session, planted in alice's browser by someone who signed in as bob.
    bob = await signIn(new HttpAgent(), testUsers.bob);
    expect(await liveSessions()).toBe(2);
  });

  it("ends alice's session and the one appSession holds, and clears both cookies", async () => {
    const warn = jest.spyOn(app.log, "warn");
    const response = await app.handleRequest(
      appRequest("/auth/logout", [`appSession=${bob}`, `__session=${alice}`]),
    );
    expect(response.status).toBe(307);
    expect(new URL(response.headers.get("location")!).origin).toBe(provider.url);
    expect(await liveSessions()).toBe(0);
    expect(setCookies(response)).toEqual(
      expect.arrayContaining(["__session=", "appSession="]),
    );
    expect(warn).toHaveBeenCalledWith(
      { event: "logout_refused_cookies", names: ["appSession"], ended: 1 },
      expect.any(String),
    );
  });

  it("ends the session that appSession alone holds", async () => {
    const response = await app.handleRequest(
      appRequest("/auth/logout", [`appSession=${bob}`]),
    );
    expect(response.status).toBe(307);
    expect(await liveSessions()).toBe(1);
    expect(setCookies(response)).toContain("appSession=");
  });

  it("ends both sessions of a request carrying two session cookies", async () => {
    const response = await app.handleRequest(
      appRequest("/auth/logout", [`__session=${bob}`, `__session=${alice}`]),
    );
    expect(response.status).toBe(307);
    expect(await liveSessions()).toBe(0);
    expect(setCookies(response)).toContain("__session=");
  });

  it("ends nothing for a logout another site started, whatever cookies it carries", async () => {
    const response = await app.handleRequest(
      appRequest("/auth/logout", [`appSession=${bob}`, `__session=${alice}`], {
        "sec-fetch-site": "cross-site",
      }),
    );
    expect(response.status).toBe(403);
    expect(await liveSessions()).toBe(2);
  });

  it("does not take appSession as a session on any other auth route", async () => {
    const profile = await app.handleRequest(
      appRequest("/auth/profile", [`appSession=${bob}`]),
    );
    expect(profile.status).toBe(401);
    const both = await app.handleRequest(
      appRequest("/auth/profile", [`appSession=${bob}`, `__session=${alice}`]),
    );
    expect(((await both.json()) as { sub: string }).sub).toBe(testUsers.alice.sub);
    const copies = await app.handleRequest(
      appRequest("/auth/profile", [`__session=${bob}`, `__session=${alice}`]),
    );
    expect(copies.status).toBe(401);
    expect(await liveSessions()).toBe(2);
  });
});

describe("the logout redirect", () => {
  it("carries no ID token, and the local provider still signs the user out and returns to APP_BASE_URL", async () => {
    const browser = new HttpAgent();
    const cookie = await signIn(browser, testUsers.alice);
    const logout = await app.handleRequest(
      appRequest("/auth/logout", [`__session=${cookie}`]),
    );
    const location = new URL(logout.headers.get("location")!);
    expect(location.searchParams.has("id_token_hint")).toBe(false);
    expect(location.searchParams.get("client_id")).toBe(localAppClient.id);
    expect(location.searchParams.get("post_logout_redirect_uri")).toBe(appUrl);
    expect(location.searchParams.get("logout_hint")).toMatch(/^\S+$/);

    // The provider's confirmation form (submitted by its page's script in a browser).
    const page = await browser.request(location.toString());
    expect(page.status).toBe(200);
    const html = await page.text();
    const action = /<form[^>]*id="op\.logoutForm"[^>]*action="([^"]+)"/.exec(html)?.[1];
    const fields = [
      ...html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)"/g),
    ];
    expect(action).toBeDefined();
    const confirmed = await browser.request(new URL(action!, location).toString(), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields.map(([, name, value]) => [name!, value!])),
    });
    expect(confirmed.status).toBeGreaterThanOrEqual(300);
    expect(confirmed.status).toBeLessThan(400);
    // The provider writes the URL out whole: `http://host:port/` for `http://host:port`.
    expect(new URL(confirmed.headers.get("location")!).href).toBe(new URL(appUrl).href);
  });
});
