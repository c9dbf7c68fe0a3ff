import { createServer, type Server } from "node:http";
import type { BrowserContext, Page } from "playwright-core";
import { freePort } from "../../dev/harness/free-port";
import { stopProvider } from "../support/stack";
import { startE2eEnv, type E2eEnv } from "../support/e2e-env";
import { signInAtProvider, testUsers } from "../support/login";

jest.setTimeout(120_000);

let env: E2eEnv;
let app: string;
let brokenInvoicesApi: Server;

/** A browser tab that records every CSP violation and every console error it sees. */
interface WatchedTab {
  context: BrowserContext;
  page: Page;
  cspViolations: string[];
  consoleErrors: string[];
}

async function openWatchedTab(
  options: { timezoneId?: string } = {},
): Promise<WatchedTab> {
  const context = await env.browser.newContext(options);
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.warn(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const tab: WatchedTab = { context, page, cspViolations: [], consoleErrors: [] };
  page.on("console", (message) => {
    // Chromium reports a refused resource itself, and the listener above reports it too.
    if (/Content Security Policy|CSP violation/i.test(message.text()))
      tab.cspViolations.push(message.text());
    else if (message.type() === "error") tab.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => tab.consoleErrors.push(error.message));
  return tab;
}

async function signIn(tab: WatchedTab, path: string): Promise<void> {
  await tab.page.goto(`${app}${path}`);
  await signInAtProvider(tab.page, testUsers.alice);
  await tab.page.waitForURL(`${app}${path}`);
}

/** Whether the page wears the site's look: its nav, and globals.css applied. */
async function siteLook(page: Page) {
  return {
    navLinks: await page.locator("header.nav nav a").allTextContents(),
    navDisplay: await page
      .locator("header.nav")
      .evaluate((element) => getComputedStyle(element).display),
    cardBackground: await page
      .locator("main.main .card")
      .first()
      .evaluate((element) => getComputedStyle(element).backgroundColor),
  };
}

const theSiteLook = {
  navLinks: ["Profile", "Dashboard", "Client", "Invoices", "Sessions"],
  navDisplay: "flex",
  cardBackground: "rgb(255, 255, 255)",
};

beforeAll(async () => {
  // An invoices API that answers 200 with an HTML page instead of JSON, as a proxy in
  // maintenance mode might: the invoices page then fails on the server, for real.
  const port = await freePort();
  brokenInvoicesApi = createServer((_req, res) => {
    res.setHeader("content-type", "text/html");
    res.end("<html><body>Down for maintenance</body></html>");
  });
  await new Promise<void>((resolve) =>
    brokenInvoicesApi.listen(port, "127.0.0.1", resolve),
  );
  env = await startE2eEnv({
    appEnv: { INVOICES_API_URL: `http://127.0.0.1:${port}` },
  });
  app = env.stack.appUrls[0]!;
});

afterAll(async () => {
  await env?.close();
  await new Promise((resolve) => brokenInvoicesApi?.close(resolve));
});

describe("a page that does not exist", () => {
  it("answers 404 with the site's own page: its nav, its styles, and no CSP violation", async () => {
    const tab = await openWatchedTab();
    const response = await tab.page.goto(`${app}/does-not-exist`);
    expect(response?.status()).toBe(404);
    expect(response?.headers()["content-security-policy"]).toContain("style-src 'self';");
    expect(await tab.page.textContent("h1")).toBe("Page not found");
    await tab.page.waitForLoadState("networkidle");
    expect(await siteLook(tab.page)).toEqual(theSiteLook);
    expect(tab.cspViolations).toEqual([]);
    await tab.page.screenshot({ path: "/tmp/failure-pages-404.png", fullPage: true });
    await tab.context.close();
  });

  it("answers 404 for a nested path too, and its HTML carries no inline style", async () => {
    const response = await fetch(`${app}/no/such/page?x=1`);
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain("Page not found");
    expect(html).not.toMatch(/<style|\sstyle=/);
  });

  it("takes the user home from its link", async () => {
    const tab = await openWatchedTab();
    await tab.page.goto(`${app}/does-not-exist`);
    await tab.page.click('a:has-text("Go to the home page")');
    await tab.page.waitForURL(`${app}/`);
    await tab.context.close();
  });
});

describe("a page that fails on the server", () => {
  it("answers 500 with the site's own page, no CSP violation and nothing of the error", async () => {
    const tab = await openWatchedTab();
    await tab.page.goto(`${app}/profile`);
    await signInAtProvider(tab.page, testUsers.alice);
    await tab.page.waitForURL(`${app}/profile`);
    const response = await tab.page.goto(`${app}/invoices`);
    expect(response?.status()).toBe(500);
    expect(await tab.page.textContent("h1")).toBe("Something went wrong");
    await tab.page.waitForLoadState("networkidle");
    expect(await siteLook(tab.page)).toEqual(theSiteLook);
    expect(tab.cspViolations).toEqual([]);
    const html = (await response?.text()) ?? "";
    expect(html).not.toMatch(
      /SyntaxError|Unexpected token|maintenance|node_modules|\bat \S+ \(/,
    );
    await tab.page.screenshot({ path: "/tmp/failure-pages-500.png", fullPage: true });
    await tab.context.close();
  });
});

describe("the favicon", () => {
  it("answers /favicon.ico with 200 and an icon", async () => {
    const response = await fetch(`${app}/favicon.ico`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^image\//);
    const bytes = new Uint8Array(await response.arrayBuffer());
    // The ICO header: reserved 0, type 1 (icon).
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
  });

  it("is linked from the pages and the edge's own error pages", async () => {
    const tab = await openWatchedTab();
    for (const path of ["/", "/does-not-exist"]) {
      await tab.page.goto(`${app}${path}`);
      expect(await tab.page.locator('link[rel="icon"]').getAttribute("href")).toBe(
        "/favicon.ico",
      );
    }
    await tab.context.close();
    const forbidden = await fetch(`${app}/auth/logout`, {
      headers: { origin: "https://evil.example" },
    });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).toContain('<link rel="icon" href="/favicon.ico"');
  });
});

describe("the dashboard tells times in words", () => {
  const timeZone = "Asia/Kolkata";
  let tab: WatchedTab;

  beforeAll(async () => {
    // A reader far from UTC (+05:30): the server renders in UTC, the browser in Kolkata.
    tab = await openWatchedTab({ timezoneId: timeZone });
    await signIn(tab, "/dashboard");
    await tab.page.waitForLoadState("networkidle");
  });

  afterAll(async () => {
    await tab.context.close();
  });

  it("says when the session started in the reader's time zone, the exact instant in dateTime and title", async () => {
    const started = tab.page.getByTestId("session-started");
    const dateTime = (await started.getAttribute("datetime"))!;
    expect(dateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.now() - Date.parse(dateTime)).toBeLessThan(60_000);
    const clock = new Intl.DateTimeFormat("en-GB", {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone,
    }).format(Date.parse(dateTime));
    expect(await started.textContent()).toMatch(
      new RegExp(`^(today|yesterday) at ${clock}$`),
    );
    expect(await started.getAttribute("title")).toMatch(
      new RegExp(`^\\w+, \\d+ \\w+ \\d{4} at ${clock}:\\d\\d GMT\\+5:30$`),
    );
    expect(await started.evaluate((element) => element.tagName)).toBe("TIME");
  });

  it("says when the session ends, in words", async () => {
    const ends = tab.page.getByTestId("session-ends");
    expect(Date.parse((await ends.getAttribute("datetime"))!)).toBeGreaterThan(
      Date.now(),
    );
    expect(await ends.textContent()).toMatch(
      /^((today|tomorrow) at \d\d:\d\d|in \d days|\d+ \w+ \d{4})$/,
    );
  });

  it("hydrates without a mismatch or any other error, and without a CSP violation", async () => {
    expect(tab.consoleErrors).toEqual([]);
    expect(tab.cspViolations).toEqual([]);
    await tab.page.screenshot({
      path: "/tmp/failure-pages-dashboard.png",
      fullPage: true,
    });
  });
});

describe("when the provider is down", () => {
  let tab: WatchedTab;
  let sessionCookie: string;

  beforeAll(async () => {
    tab = await openWatchedTab();
    await signIn(tab, "/dashboard");
    sessionCookie = (await tab.context.cookies(app)).find(
      (c) => c.name === "__session",
    )!.value;
    await stopProvider(env.stack, app);
  });

  afterAll(async () => {
    await tab.context.close();
  });

  it("logging out ends the session here and says so on the app's own page, never sending the browser to the dead provider", async () => {
    const requested: string[] = [];
    tab.page.on("request", (request) => requested.push(request.url()));
    await tab.page.goto(`${app}/`);
    const [response] = await Promise.all([
      tab.page.waitForResponse(`${app}/auth/logout`),
      tab.page.click('a:has-text("Log out")'),
    ]);
    await tab.page.waitForLoadState("networkidle");
    expect(response.status()).toBe(200);
    expect(tab.page.url()).toBe(`${app}/auth/logout`);
    expect(requested.filter((url) => url.startsWith(env.stack.idpUrl))).toEqual([]);
    expect(await tab.page.textContent("h1")).toBe("You are signed out of this app");
    expect(await tab.page.textContent("main")).toContain(
      "The sign-in service could not be reached, so you may still be signed in there.",
    );
    expect(await tab.page.locator('a[href="/"]').count()).toBe(1);
    expect(tab.cspViolations).toEqual([]);
    await tab.page.screenshot({
      path: "/tmp/failure-pages-logout-provider-down.png",
      fullPage: true,
    });
  });

  it("has cleared the session cookie and deleted the session from the store", async () => {
    const cookies = await tab.context.cookies(app);
    expect(cookies.find((c) => c.name === "__session")).toBeUndefined();
    // The old cookie, replayed, no longer opens the dashboard.
    const replayed = await fetch(`${app}/dashboard`, {
      headers: { cookie: `__session=${sessionCookie}` },
      redirect: "manual",
    });
    expect(replayed.status).toBe(307);
    expect(replayed.headers.get("location")).toMatch(/\/auth\/login\?returnTo=/);
  });

  it("answers a logout without a session the same way, never with a redirect", async () => {
    const response = await fetch(`${app}/auth/logout`, { redirect: "manual" });
    expect(response.status).toBe(200);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.text()).toContain("You are signed out of this app");
  });

  it("answers login with a 503 page that names the sign-in service, not the session store", async () => {
    const response = await fetch(`${app}/auth/login`, { redirect: "manual" });
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(body).toContain("The sign-in service cannot be reached right now.");
    expect(body).not.toContain("session store");
  });
});
