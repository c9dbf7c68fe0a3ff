/*
 * "Your sessions" and the administrators' page on a real 3-master Redis Cluster, in
 * Chromium, with no Management API credentials: ending a session ends the app's session
 * only, and the page says so.
 */
import type { BrowserContext, Page } from "playwright-core";
import { testUsers } from "../support/login";
import { startClusterE2eEnv, type E2eEnv } from "../support/e2e-env";
import { signedInDevice, waitForSessionCards } from "../support/sessions-page";
import { clearPrefix, keysUnder } from "../support/test-redis";
import type { Cluster } from "ioredis";

jest.setTimeout(180_000);

let env: E2eEnv<Cluster>;
let cluster: Cluster;
let prefix: string;
let app: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  env = await startClusterE2eEnv();
  ({ redis: cluster, prefix } = env);
  app = env.stack.appUrls[0]!;
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  await clearPrefix(cluster, prefix);
});

afterAll(async () => {
  await env?.close();
});

async function device(user: (typeof testUsers)[keyof typeof testUsers]): Promise<Page> {
  const page = await signedInDevice(env.browser, app, user);
  contexts.push(page.context());
  return page;
}

describe("/sessions on a Redis Cluster without Management API credentials", () => {
  it("lists and ends sessions whose keys live on different nodes; the provider session stays", async () => {
    const laptop = await device(testUsers.alice);
    const phone = await device(testUsers.alice);
    // The two sessions and their user's index each sit in a hash slot of their own.
    const sessionKeys = await keysUnder(cluster, `${prefix}session:`);
    expect(sessionKeys).toHaveLength(2);
    const [userIndex] = await keysUnder(cluster, `${prefix}user:`);
    const slots = await Promise.all(
      [...sessionKeys, userIndex!].map((key) => cluster.cluster("KEYSLOT", key)),
    );
    expect(new Set(slots).size).toBe(3);
    await phone.reload();
    expect(await phone.getByTestId("session").count()).toBe(2);
    expect(await phone.getByTestId("provider-note").textContent()).toContain(
      "ends its session in this app only",
    );
    await phone
      .locator('[data-testid="session"][data-current="false"]')
      .getByRole("button", { name: "Sign out" })
      .click();
    await waitForSessionCards(phone, 1);
    expect(await phone.getByTestId("sessions-status").textContent()).toBe(
      "Signed out 1 session. Those devices may still be signed in at the sign-in service.",
    );
    // The laptop's app session is gone; its provider session is not, so single sign-on
    // signs it straight back in with no password: what the credentials are for.
    await laptop.goto(`${app}/sessions`);
    expect(laptop.url()).toBe(`${app}/sessions`);
    expect(await laptop.getByTestId("session").count()).toBe(2);
    // The laptop's old session is gone; the phone's and the laptop's new one are there.
    const keysNow = await keysUnder(cluster, `${prefix}session:`);
    expect(keysNow).toHaveLength(2);
    expect(keysNow.filter((key) => sessionKeys.includes(key))).toHaveLength(1);

    await laptop.getByRole("button", { name: "Sign out all other sessions" }).click();
    await waitForSessionCards(laptop, 1);
    expect(await laptop.getByTestId("sessions-status").textContent()).toContain(
      "Signed out 1 session.",
    );
    expect(await keysUnder(cluster, `${prefix}session:`)).toHaveLength(1);
  });

  it("lets an administrator find a user by email and end all of their sessions", async () => {
    await device(testUsers.alice);
    await device(testUsers.alice);
    const admin = await device(testUsers.admin);
    await admin.goto(`${app}/admin/sessions?user=alice%40example.com`);
    expect(await admin.getByTestId("target-user").textContent()).toBe(
      testUsers.alice.sub,
    );
    await waitForSessionCards(admin, 2);
    await admin.getByRole("button", { name: "Sign out all sessions" }).click();
    await waitForSessionCards(admin, 0);
    expect(await admin.getByTestId("sessions-status").textContent()).toContain(
      "Signed out 2 sessions.",
    );
    // Only the administrator's own session is left.
    expect(await keysUnder(cluster, `${prefix}session:`)).toHaveLength(1);
    const mine = await admin.request.get(`${app}/api/sessions`);
    expect(((await mine.json()) as { sessions: unknown[] }).sessions).toHaveLength(1);
  });
});
