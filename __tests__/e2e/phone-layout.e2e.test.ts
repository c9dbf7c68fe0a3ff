/*
 * Every page on a phone (390 × 844 CSS pixels, touch) in Chromium, on the production
 * build, the local provider, the invoices API and a real Redis: nothing scrolls
 * sideways, the navigation folds into a menu that opens with a tap, and only
 * administrators find "Admin" in it. Screenshots land in .test-artifacts/screenshots/.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { startE2eEnv, type E2eEnv } from "../support/e2e-env";
import { signInAtProvider, testUsers } from "../support/login";
import { projectRoot } from "../support/processes";
import { stopProvider } from "../support/stack";

jest.setTimeout(240_000);

const phoneWidth = 390;
const phone: BrowserContextOptions = {
  viewport: { width: phoneWidth, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  userAgent:
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
};
/** The smallest touch target WCAG 2.5.5 and the platforms' guidelines ask for. */
const thumbSizePx = 44;
const everyonesLinks = ["Profile", "Dashboard", "Client", "Invoices", "Sessions"];
const screenshots = path.join(projectRoot, ".test-artifacts", "screenshots");

type User = (typeof testUsers)[keyof typeof testUsers];

let env: E2eEnv;
let app: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  env = await startE2eEnv({ invoicesApi: true });
  app = env.stack.appUrls[0]!;
  mkdirSync(screenshots, { recursive: true });
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

afterAll(async () => {
  await env?.close();
});

async function newPage(options: BrowserContextOptions = phone): Promise<Page> {
  const context = await env.browser.newContext(options);
  contexts.push(context);
  return context.newPage();
}

/** A new phone signed in as `user`, left on `path`. */
async function signedInPhone(user: User, path = "/profile"): Promise<Page> {
  const page = await newPage();
  await page.goto(`${app}${path}`);
  await signInAtProvider(page, user);
  await page.waitForURL(`${app}${path}`);
  return page;
}

/** How wide the page's content is: more than the screen means it scrolls sideways. */
async function contentWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** Visits each path; returns those whose content is wider than the phone, with the width. */
async function overflowingPages(
  page: Page,
  paths: string[],
): Promise<Array<{ path: string; width: number }>> {
  const overflowing = [];
  for (const visited of paths) {
    await page.goto(`${app}${visited}`);
    await page.waitForLoadState("networkidle");
    const width = await contentWidth(page);
    if (width > phoneWidth) overflowing.push({ path: visited, width });
  }
  return overflowing;
}

const menuButton = (page: Page) => page.locator("header.nav summary");
const menuLinks = (page: Page) => page.locator("header.nav nav a");

/** Waits until the navigation knows who is signed in (`useUser` has answered). */
async function navKnowsUser(page: Page): Promise<void> {
  await page.getByTestId("nav-user").waitFor({ state: "attached" });
}

/** Opens the menu with a tap; returns the labels of the links it shows. */
async function openMenu(page: Page): Promise<string[]> {
  await menuButton(page).tap();
  await menuLinks(page).first().waitFor({ state: "visible" });
  const labels = [];
  for (const link of await menuLinks(page).all())
    if (await link.isVisible()) labels.push((await link.textContent()) ?? "");
  return labels;
}

describe("on a phone", () => {
  it("fits every page a signed-out visitor sees, the 404 page included", async () => {
    const page = await newPage();
    expect(await overflowingPages(page, ["/", "/does-not-exist"])).toEqual([]);
  });

  it("fits every page of a signed-in user, two devices on /sessions", async () => {
    const page = await signedInPhone(testUsers.alice);
    // A second device, so that /sessions lists a card with its own "Sign out" button.
    const laptop = await newPage({ viewport: { width: 1280, height: 800 } });
    await laptop.goto(`${app}/sessions`);
    await signInAtProvider(laptop, testUsers.alice);
    await laptop.waitForURL(`${app}/sessions`);

    expect(
      await overflowingPages(page, [
        "/",
        "/profile",
        "/dashboard",
        "/client",
        "/invoices",
        "/sessions",
        // Not an administrator: the 403 page.
        "/admin/sessions",
      ]),
    ).toEqual([]);
    await page.goto(`${app}/sessions`);
    await page.getByTestId("session").nth(1).waitFor();
    await page.screenshot({ path: path.join(screenshots, "phone-sessions.png") });
    await page.goto(`${app}/`);
    await navKnowsUser(page);
    await page.screenshot({ path: path.join(screenshots, "phone-home.png") });
  });

  it("fits the administrators' page, with a user's sessions found", async () => {
    await signedInPhone(testUsers.alice);
    const page = await signedInPhone(testUsers.admin, "/admin/sessions");
    expect(
      await overflowingPages(page, [
        "/admin/sessions",
        `/admin/sessions?user=${encodeURIComponent("alice@example.com")}`,
      ]),
    ).toEqual([]);
    expect(await page.getByTestId("session").count()).toBeGreaterThan(0);
  });

  it("folds the navigation into a menu that a tap opens, showing its links, still within the screen", async () => {
    const page = await signedInPhone(testUsers.alice, "/profile");
    await navKnowsUser(page);
    expect(await menuLinks(page).first().isVisible()).toBe(false);
    const button = await menuButton(page).boundingBox();
    expect(button?.height).toBeGreaterThanOrEqual(thumbSizePx);

    expect(await openMenu(page)).toEqual(everyonesLinks);
    const logOut = page.locator("header.nav").getByRole("link", { name: "Log out" });
    expect(await logOut.isVisible()).toBe(true);
    expect(await contentWidth(page)).toBeLessThanOrEqual(phoneWidth);
    for (const link of await menuLinks(page).all())
      expect((await link.boundingBox())?.height).toBeGreaterThanOrEqual(thumbSizePx);
    await page.screenshot({ path: path.join(screenshots, "phone-menu-open.png") });

    // Following a link shuts the menu: the next page starts with it closed.
    await menuLinks(page).filter({ hasText: "Sessions" }).tap();
    await page.waitForURL(`${app}/sessions`);
    expect(
      await page
        .locator("header.nav details")
        .evaluate((menu) => (menu as HTMLDetailsElement).open),
    ).toBe(false);
  });

  it("shows a signed-out visitor the links and a way to log in", async () => {
    const page = await newPage();
    await page.goto(`${app}/`);
    // The account part of the menu knows there is no user (`useUser` has answered).
    await page.locator('header.nav a[href="/auth/login"]').waitFor({ state: "attached" });
    expect(await openMenu(page)).toEqual(everyonesLinks);
    expect(
      await page.locator("header.nav").getByRole("link", { name: "Log in" }).isVisible(),
    ).toBe(true);
  });
});

describe("the Admin link", () => {
  it("is in the administrator's menu and leads to /admin/sessions", async () => {
    const page = await signedInPhone(testUsers.admin, "/profile");
    await navKnowsUser(page);
    expect(await openMenu(page)).toEqual([...everyonesLinks, "Admin"]);
    const admin = menuLinks(page).filter({ hasText: "Admin" });
    expect(await admin.getAttribute("href")).toBe("/admin/sessions");
    await admin.tap();
    await page.waitForURL(`${app}/admin/sessions`);
    await page.locator("form[role=search]").waitFor();
    expect(await page.getByTestId("admin-forbidden").count()).toBe(0);
  });

  it("is not in anyone else's menu, on any page", async () => {
    const page = await signedInPhone(testUsers.alice, "/profile");
    for (const visited of ["/", "/profile", "/sessions"]) {
      await page.goto(`${app}${visited}`);
      await navKnowsUser(page);
      expect(await menuLinks(page).allTextContents()).toEqual(everyonesLinks);
    }
  });
});

describe("on a wide screen", () => {
  it("shows the links in the header without a menu button", async () => {
    const page = await newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${app}/`);
    expect(await menuButton(page).isVisible()).toBe(false);
    for (const label of everyonesLinks)
      expect(await menuLinks(page).filter({ hasText: label }).isVisible()).toBe(true);
  });
});

describe("when sign-in is unavailable", () => {
  // Last: the provider stays down for the rest of this file.
  it("fits the 'sign-in is temporarily unavailable' page", async () => {
    await stopProvider(env.stack, app);
    const page = await newPage();
    const response = await page.goto(`${app}/auth/login`);
    expect(response?.status()).toBe(503);
    expect(await page.textContent("h1")).toBe("Sign-in is temporarily unavailable");
    expect(await contentWidth(page)).toBeLessThanOrEqual(phoneWidth);
  });
});
