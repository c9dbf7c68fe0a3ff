import { createServer, type Server } from "node:http";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Redis } from "ioredis";
import { freePort } from "../../dev/harness/free-port";
import { HttpAgent, parseSetCookie, submitProviderLogin } from "../support/http-agent";
import { isProviderLoginPage, signInAtProvider, testUsers } from "../support/login";
import { startE2eEnv, type E2eEnv } from "../support/e2e-env";
import { stopProvider, type Stack } from "../support/stack";
import { clearPrefix, keysUnder } from "../support/test-redis";

jest.setTimeout(120_000);

let env: E2eEnv;
let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let redis: Redis;
let prefix: string;
let app: string;
const cspViolations: string[] = [];

const sessionCount = async () => (await keysUnder(redis, `${prefix}session:`)).length;

beforeAll(async () => {
  env = await startE2eEnv();
  ({ stack, browser, redis, prefix } = env);
  app = stack.appUrls[0]!;
  context = await browser.newContext();
  // Record every CSP violation any page of the app reports.
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.warn(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  page = await context.newPage();
  page.on("console", (message) => {
    if (/Content Security Policy|CSP violation/i.test(message.text()))
      cspViolations.push(message.text());
  });
});

afterAll(async () => {
  await env?.close();
});

describe("headers", () => {
  it("sends the security headers on pages, API routes, auth routes, static files and 404s", async () => {
    // The proxy runs for /auth/* only: the server itself sets these everywhere.
    const home = await (await fetch(`${app}/`)).text();
    const script = /\/_next\/static\/[^"]+\.js/.exec(home)?.[0];
    expect(script).toBeDefined();
    for (const path of [
      "/",
      "/profile",
      "/api/health",
      "/auth/login",
      "/no-such-page",
      script!,
    ]) {
      const response = await fetch(`${app}${path}`, { redirect: "manual" });
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      // One policy, not the server's and the proxy's joined.
      expect([path, csp.split("default-src").length]).toEqual([path, 2]);
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("referrer-policy")).toBe(
        "strict-origin-when-cross-origin",
      );
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("permissions-policy")).toContain("camera=()");
      // HSTS only under https: this stack runs on http://localhost.
      expect(response.headers.get("strict-transport-security")).toBeNull();
    }
  });

  it("marks every auth route answer and protected answer no-store", async () => {
    for (const path of [
      "/auth/login",
      "/auth/profile",
      "/api/me",
      "/profile",
      "/dashboard",
    ]) {
      const response = await fetch(`${app}${path}`, { redirect: "manual" });
      expect(response.headers.get("cache-control")).toMatch(/no-store/);
    }
  });

  it("pages satisfy their CSP in Chromium: no violation on any page, logged in or out", async () => {
    await page.goto(`${app}/`);
    await page.goto(`${app}/client`);
    await page.waitForURL((url) => url.toString().startsWith(stack.idpUrl));
    await signInAtProvider(page, testUsers.alice);
    await page.waitForURL(`${app}/client`);
    await page.getByTestId("user-name").waitFor();
    for (const path of ["/", "/profile", "/dashboard", "/client"]) {
      await page.goto(`${app}${path}`);
      await page.waitForLoadState("networkidle");
    }
    // Navigating client-side too (Next fetches page data and chunks).
    await page.click('nav a:has-text("Profile")');
    await page.waitForURL(`${app}/profile`);
    await page.waitForLoadState("networkidle");
    expect(cspViolations).toEqual([]);
  });
});

describe("cookies", () => {
  it("sets the session cookie HttpOnly, SameSite=Lax, without Secure on http", async () => {
    const cookie = (await context.cookies(app)).find((c) => c.name === "__session");
    expect(cookie).toMatchObject({
      httpOnly: true,
      sameSite: "Lax",
      secure: false,
      path: "/",
    });
  });

  it("sets the transaction cookie HttpOnly and SameSite=Lax", async () => {
    const response = await fetch(`${app}/auth/login`, { redirect: "manual" });
    const txn = response.headers
      .getSetCookie()
      .map(parseSetCookie)
      .find((c) => c.name.startsWith("__txn_"));
    expect(txn?.attributes).toMatchObject({ path: "/", httponly: true, samesite: "lax" });
    expect(txn?.attributes.secure).toBeUndefined();
  });
});

describe("logout cannot be forced cross-site", () => {
  let attacker: Server;
  let attackerUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    // Another site (127.0.0.1 is not the same site as localhost) that tries to log the
    // visitor out of the app, both with an image and with a top-level navigation.
    attacker = createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(
        `<img src="${app}/auth/logout"><a id="go" href="${app}/auth/logout">win a prize</a>`,
      );
    });
    await new Promise<void>((resolve) => attacker.listen(port, "127.0.0.1", resolve));
    attackerUrl = `http://127.0.0.1:${port}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => attacker.close(resolve));
  });

  it("refuses a logout started by another site and keeps the session", async () => {
    expect(await sessionCount()).toBe(1);
    await page.goto(attackerUrl);
    await page.waitForLoadState("networkidle");
    await page.click("#go");
    await page.waitForURL(`${app}/auth/logout`);
    expect(await page.textContent("h1")).toBe("Log out from this site");
    expect(await sessionCount()).toBe(1);
    await page.goto(`${app}/profile`);
    expect(await page.getByTestId("user-name").textContent()).toBe("Alice Example");
  });

  it("refuses it from Origin or Referer when the browser sends no Sec-Fetch-Site", async () => {
    const attempts: Array<Record<string, string>> = [
      { origin: "https://evil.example" },
      { referer: "https://evil.example/page" },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${app}/auth/logout`, { headers, redirect: "manual" });
      expect(response.status).toBe(403);
    }
    expect(await sessionCount()).toBe(1);
  });

  it("lets the app's own logout link through", async () => {
    await page.goto(`${app}/`);
    await page.click('a:has-text("Log out")');
    await page.waitForURL(
      (url) => url.toString().startsWith(app) && !url.pathname.startsWith("/auth"),
    );
    expect(await sessionCount()).toBe(0);
  });
});

describe("a callback that did not come from a real login creates no session", () => {
  let agent: HttpAgent;

  beforeEach(() => {
    agent = new HttpAgent();
  });

  async function startLogin(): Promise<{ state: string }> {
    const response = await agent.request(`${app}/auth/login`);
    const location = new URL(response.headers.get("location")!);
    return { state: location.searchParams.get("state")! };
  }

  it("answers a wrong state with a 400 page", async () => {
    await startLogin();
    const response = await agent.request(`${app}/auth/callback?code=abc&state=forged`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Sign-in did not complete");
    expect(await sessionCount()).toBe(0);
  });

  it("answers a missing state with a 400 page", async () => {
    const response = await agent.request(`${app}/auth/callback?code=abc`);
    expect(response.status).toBe(400);
    expect(await sessionCount()).toBe(0);
  });

  it("never renders attacker-supplied error text as HTML", async () => {
    const { state } = await startLogin();
    const script = "<script>alert(document.cookie)</script>";
    const response = await agent.request(
      `${app}/auth/callback?state=${state}&error=access_denied&error_description=${encodeURIComponent(script)}`,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    const body = await response.text();
    expect(body).not.toContain("<script>");
    expect(body).not.toContain("alert(document.cookie)");
    expect(await sessionCount()).toBe(0);
  });

  it("refuses a replayed authorization code", async () => {
    const browserContext = await browser.newContext();
    const tab = await browserContext.newPage();
    let callbackUrl = "";
    let callbackCookie = "";
    tab.on("request", (request) => {
      if (!request.url().startsWith(`${app}/auth/callback`)) return;
      callbackUrl = request.url();
      void request
        .allHeaders()
        .then((headers) => (callbackCookie = headers.cookie ?? ""));
    });
    await tab.goto(`${app}/profile`);
    await signInAtProvider(tab, testUsers.bob);
    await tab.waitForURL(`${app}/profile`);
    await browserContext.close();
    expect(await sessionCount()).toBe(1);

    // The same code and transaction cookie again, as an attacker who saw them would.
    const replay = await fetch(callbackUrl, {
      headers: { cookie: callbackCookie },
      redirect: "manual",
    });
    expect(replay.status).toBe(400);
    expect(replay.headers.getSetCookie().some((c) => c.startsWith("__session="))).toBe(
      false,
    );
    expect(await sessionCount()).toBe(1);
    await clearPrefix(redis, `${prefix}session:`);
  });
});

describe("when the provider is down", () => {
  const agent = new HttpAgent();
  let callbackUrl: URL;

  beforeAll(async () => {
    // A login that got its code just before the provider went away.
    const toLoginPage = await agent.follow(`${app}/auth/login`);
    const loginPage = toLoginPage.hops[toLoginPage.hops.length - 1]!;
    const submitted = await submitProviderLogin(agent, loginPage, testUsers.bob);
    const toCallback = await agent.follow(
      new URL(submitted.headers.get("location")!, loginPage).toString(),
      (url) => url.pathname === "/auth/callback",
    );
    callbackUrl = toCallback.next!;
    await stopProvider(stack, app);
  });

  it("answers a callback whose code cannot be exchanged with a 502 page, and no session", async () => {
    const response = await agent.request(callbackUrl.toString());
    expect(response.status).toBe(502);
    const body = await response.text();
    expect(body).toContain("Sign-in is temporarily unavailable");
    expect(body).not.toMatch(/\bat \S+ \(|node_modules|TypeError|fetch failed/);
    expect(await sessionCount()).toBe(0);
  });

  it("answers login with a friendly 503 page and a way to retry", async () => {
    const response = await fetch(`${app}/auth/login`, { redirect: "manual" });
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(body).toContain("Sign-in is temporarily unavailable");
    expect(body).toContain('href="/auth/login"');
    expect(body).not.toMatch(/\bat \S+ \(|node_modules|TypeError|fetch failed/);
  });

  it("reports itself not ready while public pages keep working", async () => {
    expect((await fetch(`${app}/`)).status).toBe(200);
    const ready = await fetch(`${app}/api/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: "unavailable",
      checks: { redis: "up", provider: "down" },
    });
  });

  it("sends a logged-out visitor of a protected page to login, which says it is unavailable", async () => {
    const tab = await browser.newPage();
    const response = await tab.goto(`${app}/profile`);
    expect(response?.status()).toBe(503);
    expect(await isProviderLoginPage(tab, stack.idpUrl)).toBe(false);
    await tab.close();
  });
});
