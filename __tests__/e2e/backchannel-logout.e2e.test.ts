import { spawnSync } from "node:child_process";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Redis } from "ioredis";
import { eventually } from "../support/eventually";
import { isProviderLoginPage, signInAtProvider, testUsers } from "../support/login";
import { projectRoot } from "../support/processes";
import { startE2eEnv, type E2eEnv } from "../support/e2e-env";
import { baseEnv, type Stack } from "../support/stack";
import { keysUnder } from "../support/test-redis";

jest.setTimeout(180_000);

let env: E2eEnv;
let stack: Stack;
let browser: Browser;
let redis: Redis;
let prefix: string;

/** One browser context: a device with its own cookies, used against one app instance. */
interface Device {
  context: BrowserContext;
  page: Page;
  app: string;
}

async function signedInDevice(
  app: string,
  user: (typeof testUsers)[keyof typeof testUsers],
): Promise<Device> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app}/profile`);
  await signInAtProvider(page, user);
  await page.waitForURL(`${app}/profile`);
  expect(await page.getByTestId("user-name").textContent()).toBe(user.name);
  return { context, page, app };
}

/** Navigates to a protected page; says whether the device is still signed in there. */
async function isSignedIn(device: Device): Promise<boolean> {
  await device.page.goto(`${device.app}/profile`);
  if (await isProviderLoginPage(device.page, stack.idpUrl)) return false;
  expect(device.page.url()).toBe(`${device.app}/profile`);
  return (await device.page.getByTestId("user-name").count()) === 1;
}

beforeAll(async () => {
  env = await startE2eEnv({ instances: 2 });
  ({ stack, browser, redis, prefix } = env);
});

afterAll(async () => {
  await env?.close();
});

describe("back-channel logout across two app instances sharing one Redis", () => {
  let aliceLaptop: Device;
  let alicePhone: Device;
  let bob: Device;

  it("signs alice in on two devices (one per instance) and bob on a third", async () => {
    const [first, second] = stack.appUrls as [string, string];
    aliceLaptop = await signedInDevice(first, testUsers.alice);
    alicePhone = await signedInDevice(second, testUsers.alice);
    bob = await signedInDevice(second, testUsers.bob);
    expect(await keysUnder(redis, `${prefix}session:`)).toHaveLength(3);
  });

  it("signing alice's laptop out at the provider ends that device only", async () => {
    // The laptop's browser ends its session at the provider itself (as when the user
    // logs out of another app of the same tenant); the provider tells the app by a
    // logout token carrying that session's sid.
    await aliceLaptop.page.goto(`${stack.idpUrl}/oidc/logout`);
    await eventually(
      () => keysUnder(redis, `${prefix}session:`),
      (keys) => keys.length === 2,
    );
    expect(stack.idp.output()).toMatch(
      /back-channel logout → \S+ sub=auth0\|alice sid=yes: status 200/,
    );

    expect(await isSignedIn(aliceLaptop)).toBe(false);
    expect(await isSignedIn(alicePhone)).toBe(true);
    expect(await isSignedIn(bob)).toBe(true);
  });

  it("'sign alice out everywhere' on the provider's admin page ends her phone on the other instance", async () => {
    const admin = await browser.newPage();
    await admin.goto(`${stack.idpUrl}/admin`);
    await admin
      .locator("form", {
        has: admin.locator(`input[name="sub"][value="${testUsers.alice.sub}"]`),
      })
      .locator('button:has-text("Sign out everywhere")')
      .click();
    await admin.waitForLoadState();
    expect(await admin.textContent("body")).toMatch(/200/);
    await admin.close();

    expect(await isSignedIn(alicePhone)).toBe(false);
    expect(await isSignedIn(bob)).toBe(true);
    expect(stack.apps[0]!.output()).toMatch(
      /"event":"backchannel_logout","sub":"auth0\|alice","bySid":false,"sessionsEnded":1/,
    );
  });

  it("`idp:logout --sub bob` ends bob's session and reports the app's answer", async () => {
    const result = spawnSync(
      process.execPath,
      [require.resolve("tsx/cli"), "dev/idp/logout-cli.ts", "--sub", "bob"],
      {
        cwd: projectRoot,
        env: { ...baseEnv(), IDP_ISSUER: `${stack.idpUrl}/` },
        encoding: "utf8",
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/auth0\|bob → \S+\/auth\/backchannel-logout: 200/);
    expect(await isSignedIn(bob)).toBe(false);
    expect(await keysUnder(redis, `${prefix}session:`)).toEqual([]);
  });
});
