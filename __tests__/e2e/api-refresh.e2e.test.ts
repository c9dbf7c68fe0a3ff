import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Redis } from "ioredis";
import { signInAtProvider, testUsers } from "../support/login";
import { startE2eEnv, type E2eEnv } from "../support/e2e-env";
import type { Stack } from "../support/stack";
import { keysUnder } from "../support/test-redis";
import {
  decodeSessionRecord,
  encodeSessionRecord,
} from "../../lib/session/session-record";

jest.setTimeout(180_000);

/** Short enough to expire during the test, long enough for a page to use it. */
const accessTokenTtlSeconds = 6;

let env: E2eEnv;
let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let redis: Redis;
let prefix: string;
let appA: string;
let appB: string;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function refreshGrants(): Promise<number> {
  const response = await fetch(`${stack.idpUrl}/admin/api/stats`);
  const stats = (await response.json()) as { grants: { refresh_token: number } };
  return stats.grants.refresh_token;
}

/** The one session in Redis, and a way to rewrite its token set. */
async function storedSession() {
  const [key] = await keysUnder(redis, `${prefix}session:`);
  if (!key) throw new Error("no session in Redis");
  const { head, data: json } = decodeSessionRecord((await redis.get(key))!)!;
  const data = JSON.parse(json) as {
    tokenSet: { accessToken: string; refreshToken?: string; expiresAt: number };
  };
  return {
    data,
    async write(tokenSet: Partial<typeof data.tokenSet>) {
      data.tokenSet = { ...data.tokenSet, ...tokenSet };
      const record = encodeSessionRecord(
        { ...head, tokenExpiresAt: data.tokenSet.expiresAt },
        JSON.stringify(data),
      );
      await redis.set(key, record, "KEEPTTL");
    },
  };
}

async function waitUntilExpired(): Promise<void> {
  const { data } = await storedSession();
  const msLeft = data.tokenSet.expiresAt * 1000 - Date.now();
  if (msLeft > 0) await sleep(msLeft + 300);
}

async function sessionCookieHeader(): Promise<string> {
  const cookies = await context.cookies(appA);
  return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

beforeAll(async () => {
  env = await startE2eEnv({
    instances: 2,
    invoicesApi: true,
    idpEnv: { IDP_ACCESS_TOKEN_TTL: String(accessTokenTtlSeconds) },
  });
  ({ stack, browser, redis, prefix } = env);
  [appA, appB] = stack.appUrls as [string, string];
  context = await browser.newContext();
  page = await context.newPage();
});

afterAll(async () => {
  await env?.close();
});

describe("calling the invoices API for the user", () => {
  let firstExpiry = "";

  it("shows alice's invoices on /invoices, fetched on the server and through /api/invoices", async () => {
    await page.goto(`${appA}/invoices`);
    await signInAtProvider(page, testUsers.alice);
    await page.waitForURL(`${appA}/invoices`);
    expect(await page.getByTestId("server-invoices").locator("tbody tr").count()).toBe(3);
    await page.getByTestId("live-invoices").waitFor();
    expect(await page.getByTestId("live-invoices").locator("tbody tr").count()).toBe(3);
    firstExpiry = (await page.getByTestId("token-expires").getAttribute("datetime"))!;
  });

  it("never hands the access token to the browser", async () => {
    const { data } = await storedSession();
    const html = await (await page.request.get(`${appA}/invoices`)).text();
    expect(html).not.toContain(data.tokenSet.accessToken);
    expect(html).not.toContain(data.tokenSet.refreshToken!);
    const api = await (await page.request.get(`${appA}/api/invoices`)).text();
    expect(api).not.toContain(data.tokenSet.accessToken);
    // The SDK's /auth/access-token endpoint is off.
    expect((await page.request.get(`${appA}/auth/access-token`)).status()).toBe(404);
  });

  it("refreshes an expired token without the user noticing: reload after expiry still works, with a new token", async () => {
    const grantsBefore = await refreshGrants();
    const { data: before } = await storedSession();
    await waitUntilExpired();
    await page.reload();
    expect(await page.getByTestId("server-invoices").locator("tbody tr").count()).toBe(3);
    const secondExpiry = (await page
      .getByTestId("token-expires")
      .getAttribute("datetime"))!;
    expect(Date.parse(secondExpiry)).toBeGreaterThan(Date.parse(firstExpiry));
    const { data: after } = await storedSession();
    expect(after.tokenSet.accessToken).not.toBe(before.tokenSet.accessToken);
    expect(after.tokenSet.refreshToken).not.toBe(before.tokenSet.refreshToken);
    expect(await refreshGrants()).toBe(grantsBefore + 1);
  });

  it("50 concurrent calls on two instances just after expiry all succeed with exactly one refresh grant", async () => {
    const cookie = await sessionCookieHeader();
    await waitUntilExpired();
    const grantsBefore = await refreshGrants();
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fetch(`${i % 2 === 0 ? appA : appB}/api/invoices`, { headers: { cookie } }),
      ),
    );
    const elapsedMs = Date.now() - started;
    const statuses = responses.map((r) => r.status);
    expect(statuses).toEqual(Array.from({ length: 50 }, () => 200));
    const grants = (await refreshGrants()) - grantsBefore;
    console.log(
      `50 concurrent calls after expiry: ${grants} refresh grant(s), ${elapsedMs} ms`,
    );
    expect(grants).toBe(1);
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{
      invoices: unknown[];
    }>;
    expect(bodies.every((b) => b.invoices.length === 3)).toBe(true);
  });

  it("answers 401 login_required, and the page sends the user to log in, when the provider refuses the refresh token", async () => {
    const session = await storedSession();
    await session.write({
      refreshToken: "revoked-refresh-token",
      expiresAt: Math.floor(Date.now() / 1000) - 1,
    });
    const api = await page.request.get(`${appA}/api/invoices`);
    expect(api.status()).toBe(401);
    expect(await api.json()).toEqual({ error: "login_required" });
    const pageResponse = await page.request.get(`${appB}/invoices`, { maxRedirects: 0 });
    expect(pageResponse.status()).toBe(307);
    expect(pageResponse.headers()["location"]).toBe("/auth/login?returnTo=/invoices");
    expect(stack.apps.map((app) => app.output()).join("\n")).toMatch(
      /"event":"refresh_failed","sub":"auth0\|alice"/,
    );
  });

  it("answers 503, never a stack trace, when the provider cannot be reached to refresh", async () => {
    // A fresh login, then the provider goes away and the token expires.
    await page.goto(`${appA}/invoices`);
    await page.waitForURL(`${appA}/invoices`);
    await stack.idp.stop();
    const session = await storedSession();
    await session.write({ expiresAt: Math.floor(Date.now() / 1000) - 1 });
    const api = await page.request.get(`${appA}/api/invoices`);
    expect(api.status()).toBe(503);
    expect(await api.json()).toEqual({ error: "temporarily_unavailable" });
    const pageResponse = await page.request.get(`${appB}/invoices`);
    expect(pageResponse.status()).toBe(503);
    const html = await pageResponse.text();
    expect(html).toContain("The invoices service is unavailable");
    expect(html).not.toMatch(/\bat \S+ \(|node_modules|TypeError/);
  });
});
