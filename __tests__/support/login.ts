import type { Page } from "playwright-core";

export const testUsers = {
  alice: {
    username: "alice",
    password: "alice-password",
    sub: "auth0|alice",
    name: "Alice Example",
  },
  bob: {
    username: "bob",
    password: "bob-password",
    sub: "auth0|bob",
    name: "Bob Example",
  },
  admin: {
    username: "admin",
    password: "admin-password",
    sub: "auth0|admin",
    name: "Ada Admin",
  },
} as const;

/** Fills the local provider's login form; the page must already show it. */
export async function signInAtProvider(
  page: Page,
  user: (typeof testUsers)[keyof typeof testUsers],
): Promise<void> {
  await page.fill('input[name="username"]', user.username);
  await page.fill('input[name="password"]', user.password);
  await page.click('button:has-text("Continue")');
}

/** True when the page shows the local provider's login form. */
export async function isProviderLoginPage(page: Page, idpUrl: string): Promise<boolean> {
  return (
    page.url().startsWith(idpUrl) &&
    (await page.locator('input[name="password"]').count()) === 1
  );
}
