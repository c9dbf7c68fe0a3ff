import { HttpAgent, submitProviderLogin } from "../../dev/harness/http-agent";
import { signInAtProvider, testUsers } from "../support/login";
import { startE2eEnv, type E2eEnv } from "../support/e2e-env";
import { keysUnder } from "../support/test-redis";

jest.setTimeout(180_000);

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
});

afterAll(async () => {
  await env?.close();
});

/** "Sign out everywhere" at the provider, as an admin would: a sub-only logout token. */
async function signOutEverywhere(sub: string): Promise<void> {
  const response = await fetch(`${env.stack.idpUrl}/admin/api/logout`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub }),
  });
  expect(response.status).toBe(200);
}

/** Waits until the wall clock is early in a second, so the next steps share it. */
async function startOfASecond(): Promise<void> {
  while (Date.now() % 1000 > 50) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("a login that a logout overtook", () => {
  it("is refused with a clear page and no session cookie, then the next sign-in works", async () => {
    const app = env.stack.appUrls[0]!;
    const sessionsBefore = (await keysUnder(env.redis, `${env.prefix}session:`)).length;
    // The refusal needs the login's ID token issued in the logout's second or before
    // (within a second the order is unknown, so such a login may be refused). Up to
    // three tries to land in one second; each try is checked.
    let refused = false;
    for (let attempt = 0; attempt < 3 && !refused; attempt++) {
      // Over HTTP up to the provider's redirect back to the app: the user has signed in
      // at the provider, and the app has not yet exchanged the code. In flight.
      const agent = new HttpAgent();
      const toLoginPage = await agent.follow(`${app}/auth/login?returnTo=/profile`);
      const loginPage = toLoginPage.hops[toLoginPage.hops.length - 1]!;
      const submitted = await submitProviderLogin(agent, loginPage, testUsers.alice);
      const toCallback = await agent.follow(
        new URL(submitted.headers.get("location")!, loginPage).toString(),
        (url) => url.pathname === "/auth/callback",
      );
      expect(toCallback.next).toBeDefined();
      // Chromium finishes that login, with its transaction cookie.
      const context = await env.browser.newContext();
      await context.addCookies(
        [...agent.cookies()]
          .filter(([name]) => name.startsWith("__txn_"))
          .map(([name, value]) => ({ name, value, url: app })),
      );
      const page = await context.newPage();
      await startOfASecond();
      await signOutEverywhere(testUsers.alice.sub);
      const logoutSecond = Math.floor(Date.now() / 1000);
      const response = await page.goto(toCallback.next!.toString());
      if (response?.status() === 409) {
        refused = true;
        expect(await page.locator("h1").textContent()).toBe("This sign-in was ended");
        expect(await page.textContent("body")).toContain("Please sign in again");
        const cookies = await context.cookies(app);
        expect(cookies.map((cookie) => cookie.name)).not.toContain("__session");
        expect(cookies.filter((cookie) => cookie.name.startsWith("__txn_"))).toEqual([]);
        expect((await keysUnder(env.redis, `${env.prefix}session:`)).length).toBe(
          sessionsBefore,
        );
        expect(env.stack.apps[0]!.output()).toMatch(
          /"level":40[^\n]*"event":"login_refused"[^\n]*"sub":"auth0\|alice"/,
        );
        // A moment later (a person takes longer than the rest of that second; a test
        // must wait for it), the button starts a new sign-in, issued after the logout,
        // and it is kept.
        while (Math.floor(Date.now() / 1000) <= logoutSecond)
          await new Promise((resolve) => setTimeout(resolve, 20));
        await page.getByRole("link", { name: "Sign in again" }).click();
        await page.waitForSelector('input[name="password"]');
        await signInAtProvider(page, testUsers.alice);
        await page.waitForURL(`${app}/`);
        await page.goto(`${app}/profile`);
        expect(await page.getByTestId("user-name").textContent()).toBe(
          testUsers.alice.name,
        );
      } else {
        // The ID token was issued in the next second: a login after the logout, kept.
        expect(response?.url()).toBe(`${app}/profile`);
      }
      await context.close();
    }
    expect(refused).toBe(true);
  });
});
