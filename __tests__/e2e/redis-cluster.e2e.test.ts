import type { Cluster, Redis } from "ioredis";
import type { Browser } from "playwright-core";
import { startClusterE2eEnv, type E2eEnv } from "../support/e2e-env";
import { eventually } from "../support/eventually";
import { signInAtProvider, testUsers } from "../support/login";
import type { Stack } from "../support/stack";
import { keysUnder, mastersOf } from "../support/test-redis";

jest.setTimeout(120_000);

let env: E2eEnv<Cluster>;
let cluster: Cluster;
let prefix: string;
let stack: Stack;
let browser: Browser;
let app: string;

beforeAll(async () => {
  // The app on the cluster alone: no REDIS_URL at all.
  env = await startClusterE2eEnv();
  ({ redis: cluster, prefix, stack, browser } = env);
  app = stack.appUrls[0]!;
});

afterAll(async () => {
  await env?.close();
});

async function ready(): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${app}/api/ready`);
  return { status: response.status, body: await response.json() };
}

describe("the app on a 3-master Redis Cluster", () => {
  it("signs in, serves protected pages, and a back-channel logout ends the session", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app}/profile`);
    await signInAtProvider(page, testUsers.alice);
    await page.waitForURL(`${app}/profile`);
    expect(await page.getByTestId("user-name").textContent()).toBe(testUsers.alice.name);
    const me = await page.request.get(`${app}/api/me`);
    expect(me.status()).toBe(200);
    // The session and its user's index are in the cluster, the index under its hash tag.
    const keys = await keysUnder(cluster, prefix);
    expect(keys.filter((key) => key.startsWith(`${prefix}session:`))).toHaveLength(1);
    expect(keys.filter((key) => key.startsWith(`${prefix}user:{`))).toHaveLength(1);

    const logout = await fetch(`${stack.idpUrl}/admin/api/logout`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sub: testUsers.alice.sub }),
    });
    expect(logout.status).toBe(200);
    await eventually(
      () => keysUnder(cluster, `${prefix}session:`),
      (left) => left.length === 0,
    );
    await page.goto(`${app}/profile`);
    expect(page.url().startsWith(stack.idpUrl)).toBe(true);
    await context.close();
  });

  it("says not ready while the cluster cannot serve every slot, and ready again after", async () => {
    expect(await ready()).toMatchObject({ status: 200, body: { status: "ready" } });
    // Take one slot away from its master: the cluster no longer covers every key.
    const [master] = (await mastersOf(cluster)) as [Redis, ...Redis[]];
    const slots = await master.cluster("SLOTS");
    const own = slots.find((range) => range[2]?.[1] === master.options.port)!;
    const slot = own[0];
    await master.cluster("DELSLOTS", slot);
    try {
      await eventually(ready, (answer) => answer.status === 503, 10_000);
      expect(await ready()).toMatchObject({
        status: 503,
        body: { status: "unavailable", checks: { redis: "down" } },
      });
    } finally {
      await master.cluster("ADDSLOTS", slot);
    }
    await eventually(ready, (answer) => answer.status === 200, 10_000);
  });
});
