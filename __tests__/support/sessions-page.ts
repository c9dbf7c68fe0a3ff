import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { signInAtProvider, testUsers } from "./login";

type User = (typeof testUsers)[keyof typeof testUsers];

/**
 * A new browser context ("device") signed in as `user` on `appUrl`, left on /sessions.
 * The caller closes `page.context()`.
 */
export async function signedInDevice(
  browser: Browser,
  appUrl: string,
  user: User,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(`${appUrl}/sessions`);
  await signInAtProvider(page, user);
  await page.waitForURL(`${appUrl}/sessions`);
  return page;
}

/** Waits until the sessions page shows `count` device cards. */
export async function waitForSessionCards(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="session"]').length === n,
    count,
  );
}

/** Clicks "Sign out" on the one card showing `text`, and waits for it to go. */
export async function signOutDevice(page: Page, text: string): Promise<void> {
  const before = await page.getByTestId("session").count();
  await page
    .getByTestId("session")
    .filter({ hasText: text })
    .getByRole("button", { name: "Sign out" })
    .click();
  await waitForSessionCards(page, before - 1);
}
