import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Redis } from "ioredis";
import { isProviderLoginPage, signInAtProvider, testUsers } from "../support/login";
import { startE2eEnv, type E2eEnv } from "../support/e2e-env";
import type { Stack } from "../support/stack";
import { keysUnder } from "../support/test-redis";
import { sessionDataOf } from "../../lib/session/session-record";

jest.setTimeout(120_000);

let env: E2eEnv;
let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let redis: Redis;
let prefix: string;
let app: string;
let sessionCookieValue = "";

beforeAll(async () => {
  env = await startE2eEnv();
  ({ stack, browser, redis, prefix } = env);
  app = stack.appUrls[0]!;
  context = await browser.newContext();
  page = await context.newPage();
});

afterAll(async () => {
  await env?.close();
});

const sessionKeys = () => keysUnder(redis, `${prefix}session:`);

describe("logging in and out in a real browser", () => {
  it("sends a logged-out visitor of /profile to the provider's login page", async () => {
    await page.goto(`${app}/profile`);
    expect(await isProviderLoginPage(page, stack.idpUrl)).toBe(true);
    expect(await sessionKeys()).toEqual([]);
  });

  it("logs alice in and brings her back to /profile showing who she is", async () => {
    await signInAtProvider(page, testUsers.alice);
    await page.waitForURL(`${app}/profile`);
    await expect(page.getByTestId("user-name").textContent()).resolves.toBe(
      "Alice Example",
    );
    await expect(page.getByTestId("user-email").textContent()).resolves.toBe(
      "alice@example.com",
    );
    await expect(page.getByTestId("nav-user").textContent()).resolves.toBe(
      "Alice Example",
    );
  });

  it("keeps exactly one session in Redis, alice's, with no token in the cookie", async () => {
    const keys = await sessionKeys();
    expect(keys).toHaveLength(1);
    const stored = JSON.parse(sessionDataOf((await redis.get(keys[0]!))!)!) as {
      user: { sub: string };
    };
    expect(stored.user.sub).toBe(testUsers.alice.sub);
    const cookies = await context.cookies(app);
    const session = cookies.find((c) => c.name === "__session");
    sessionCookieValue = session?.value ?? "";
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");
    // The cookie holds only an encrypted session id: far smaller than any token set.
    expect(session!.value.length).toBeLessThan(400);
  });

  it("answers GET /api/me with 200 and the user", async () => {
    const response = await page.request.get(`${app}/api/me`);
    expect(response.status()).toBe(200);
    expect(response.headers()["cache-control"]).toBe("no-store");
    const body = (await response.json()) as { user: { sub: string; email: string } };
    expect(body.user.sub).toBe(testUsers.alice.sub);
    expect(body.user.email).toBe("alice@example.com");
  });

  it("answers other methods on /api/me with 405 and an Allow header", async () => {
    const response = await page.request.post(`${app}/api/me`);
    expect(response.status()).toBe(405);
    expect(response.headers()["allow"]).toBe("GET");
  });

  it("renders the dashboard from the server with alice's session", async () => {
    await page.goto(`${app}/dashboard`);
    await expect(page.getByTestId("user-sub").textContent()).resolves.toBe(
      testUsers.alice.sub,
    );
    const started = page.getByTestId("session-started");
    expect(await started.getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await started.textContent()).toMatch(/^(today|yesterday) at \d\d:\d\d$/);
  });

  it("shows alice on the client-side guarded page", async () => {
    await page.goto(`${app}/client`);
    await expect(page.getByTestId("user-name").textContent()).resolves.toBe(
      "Alice Example",
    );
  });

  it("logs out through the provider and ends the session everywhere it was kept", async () => {
    await page.goto(`${app}/`);
    await page.click('a:has-text("Log out")');
    await page.waitForURL((url) => url.toString().startsWith(app));
    await expect(page.getByTestId("home-status").textContent()).resolves.toMatch(
      /not logged in/,
    );
    expect(await sessionKeys()).toEqual([]);

    const me = await page.request.get(`${app}/api/me`);
    expect(me.status()).toBe(401);
    expect(await me.json()).toMatchObject({ error: "not_authenticated" });

    await page.goto(`${app}/profile`);
    expect(await isProviderLoginPage(page, stack.idpUrl)).toBe(true);
  });

  it("sends a logged-out visitor of /dashboard to log in with returnTo=/dashboard", async () => {
    const response = await page.request.get(`${app}/dashboard`, { maxRedirects: 0 });
    expect(response.status()).toBe(307);
    expect(response.headers()["location"]).toBe("/auth/login?returnTo=/dashboard");
  });

  it("logs login and logout as JSON with the user's sub, and never a token or cookie", () => {
    const output = stack.apps[0]!.output();
    const events = output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { event?: string; sub?: string });
    expect(events).toContainEqual(
      expect.objectContaining({ event: "login", sub: testUsers.alice.sub }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ event: "logout", sub: testUsers.alice.sub }),
    );
    expect(output).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    expect(sessionCookieValue.length).toBeGreaterThan(20);
    expect(output).not.toContain(sessionCookieValue);
  });

  it("sends a logged-out visitor of /client to log in from the browser", async () => {
    await page.goto(`${app}/client`);
    await page.waitForURL((url) => url.toString().startsWith(stack.idpUrl));
    expect(await isProviderLoginPage(page, stack.idpUrl)).toBe(true);
  });
});
