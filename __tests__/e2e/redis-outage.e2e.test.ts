import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser } from "../support/browser";
import { freePort } from "../../dev/harness/free-port";
import { signInAtProvider, testUsers } from "../support/login";
import { startPrivateServer, type ProvidedRedis } from "../../dev/harness/redis-provider";
import { startStack, type Stack } from "../support/stack";

jest.setTimeout(120_000);

let redisPort: number;
let redisDir: string;
let redisServer: ProvidedRedis;
let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let app: string;

/** A private Redis that keeps its data on disk, so a restart brings the sessions back. */
const startPersistentRedis = () =>
  startPrivateServer(
    ["--appendonly", "yes", "--appendfsync", "always", "--save", "", "--dir", redisDir],
    redisPort,
  );

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  const value = await work();
  return { value, ms: Date.now() - start };
}

beforeAll(async () => {
  redisPort = await freePort();
  redisDir = mkdtempSync(path.join(tmpdir(), "redis-outage-"));
  redisServer = await startPersistentRedis();
  [stack, browser] = await Promise.all([
    startStack({ keyPrefix: "outage:", redisUrl: redisServer.url }),
    launchBrowser(),
  ]);
  app = stack.appUrls[0]!;
  context = await browser.newContext();
  page = await context.newPage();
  await page.goto(`${app}/profile`);
  await signInAtProvider(page, testUsers.alice);
  await page.waitForURL(`${app}/profile`);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await redisServer?.stop();
});

describe("when Redis goes away under the running app", () => {
  beforeAll(async () => {
    await redisServer.stop();
  });

  it("answers a protected page with a 503 'sign-in is temporarily unavailable' page, quickly", async () => {
    for (const protectedPath of ["/profile", "/dashboard"]) {
      const { value: response, ms } = await timed(() =>
        page.request.get(`${app}${protectedPath}`),
      );
      expect(response.status()).toBe(503);
      const body = await response.text();
      expect(body).toContain("Sign-in is temporarily unavailable");
      expect(body).not.toContain("Alice Example");
      expect(body).not.toMatch(/\bat \S+ \(|node_modules|Error:/);
      expect(response.headers()["cache-control"]).toMatch(/no-store/);
      expect(ms).toBeLessThan(5_000);
    }
  });

  it("shows the same in the browser", async () => {
    const response = await page.goto(`${app}/profile`);
    expect(response?.status()).toBe(503);
    expect(await page.getByTestId("sign-in-unavailable").count()).toBe(1);
  });

  it("answers API routes with 503 JSON", async () => {
    const response = await page.request.get(`${app}/api/me`);
    expect(response.status()).toBe(503);
    expect(await response.json()).toEqual({ error: "temporarily_unavailable" });
  });

  it("answers login with a 503 page instead of a stack trace", async () => {
    const response = await page.request.get(`${app}/auth/login`, { maxRedirects: 0 });
    expect(response.status()).toBe(503);
    expect(await response.text()).toContain("Sign-in is temporarily unavailable");
  });

  it("keeps public pages and liveness working, and reports itself not ready", async () => {
    expect((await page.request.get(`${app}/`)).status()).toBe(200);
    expect((await page.request.get(`${app}/api/health`)).status()).toBe(200);
    const ready = await page.request.get(`${app}/api/ready`);
    expect(ready.status()).toBe(503);
    expect(await ready.json()).toEqual({
      status: "unavailable",
      checks: { redis: "down", provider: "up" },
    });
  });

  it("recovers by itself when Redis is back, with the sessions that were in it", async () => {
    redisServer = await startPersistentRedis();
    const restartedAt = Date.now();
    let status = 0;
    while (Date.now() - restartedAt < 30_000) {
      status = (await page.request.get(`${app}/api/me`)).status();
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const recoveryMs = Date.now() - restartedAt;
    console.log(`recovery after Redis restart: ${recoveryMs} ms`);
    expect(status).toBe(200);
    await page.goto(`${app}/profile`);
    expect(await page.getByTestId("user-name").textContent()).toBe("Alice Example");
    const ready = await page.request.get(`${app}/api/ready`);
    expect(ready.status()).toBe(200);
  });
});
