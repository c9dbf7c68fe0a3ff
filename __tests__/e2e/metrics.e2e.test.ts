import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import type { Redis } from "ioredis";
import { freePort } from "../../dev/harness/free-port";
import { eventually } from "../support/eventually";
import { signInAtProvider, testUsers } from "../support/login";
import { startE2eEnv, type E2eEnv } from "../support/e2e-env";
import { appSecret, startApp, type Stack } from "../support/stack";
import { waitForHttp } from "../support/processes";
import { keysUnder } from "../support/test-redis";

jest.setTimeout(180_000);

let env: E2eEnv;
let stack: Stack;
let browser: Browser;
let redis: Redis;
let prefix: string;
let app: string;
let metricsUrl: string;
let metricsPort: number;

const accessTokenTtlSeconds = 6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  metricsPort = await freePort();
  env = await startE2eEnv({
    appEnv: { METRICS_PORT: String(metricsPort) },
    invoicesApi: true,
    // An access token is refreshed once it has under 5 s left: after 1 s here.
    idpEnv: { IDP_ACCESS_TOKEN_TTL: String(accessTokenTtlSeconds) },
  });
  ({ stack, browser, redis, prefix } = env);
  app = stack.appUrls[0]!;
  // The app binds 127.0.0.1 (HOSTNAME); its metrics listener binds there too.
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
});

afterAll(async () => {
  await env?.close();
});

/** Every sample of the app's /metrics, by series (`name{labels}`). */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** One series' value; a series that is missing fails the test. */
function valueOf(samples: Map<string, number>, series: string): number {
  const value = samples.get(series);
  if (value === undefined) throw new Error(`no series ${series} in /metrics`);
  return value;
}

/** The listening TCP sockets of process `pid`, as `address:port` (Linux /proc). */
function listeningSockets(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let link = "";
    try {
      link = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
    if (inode) inodes.add(inode);
  }
  const sockets: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const row of readFileSync(table, "utf8").trim().split("\n").slice(1)) {
      // sl local_address rem_address st … inode: st 0A is LISTEN.
      const [, local, , state, , , , , , inode] = row.trim().split(/\s+/);
      if (state !== "0A" || !inode || !inodes.has(inode)) continue;
      const [hexAddress, hexPort] = local!.split(":") as [string, string];
      sockets.push(`${addressOf(hexAddress)}:${parseInt(hexPort, 16)}`);
    }
  }
  return sockets.sort();
}

/** /proc/net/tcp's IPv4 address (little-endian hex); IPv6 ones as given. */
function addressOf(hex: string): string {
  if (hex.length !== 8) return hex;
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(".");
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${app}/profile`);
  await signInAtProvider(page, testUsers.alice);
  await page.waitForURL(`${app}/profile`);
  expect(await page.getByTestId("user-name").textContent()).toBe(testUsers.alice.name);
}

describe("Prometheus metrics on METRICS_PORT", () => {
  it("listens on METRICS_PORT beside the app, on the app's host, with every series at 0", async () => {
    const appPort = Number(new URL(app).port);
    expect(listeningSockets(stack.apps[0]!.child.pid!)).toEqual(
      [`127.0.0.1:${appPort}`, `127.0.0.1:${metricsPort}`].sort(),
    );
    const samples = await scrape();
    for (const outcome of [
      "ended",
      "replayed",
      "invalid_token",
      "keys_unavailable",
      "store_unavailable",
    ]) {
      expect(
        valueOf(samples, `backchannel_logout_requests_total{outcome="${outcome}"}`),
      ).toBe(0);
    }
    for (const outcome of ["ok", "overtaken", "failed"]) {
      expect(valueOf(samples, `logins_total{outcome="${outcome}"}`)).toBe(0);
    }
    for (const reason of ["logout", "backchannel", "user", "admin", "cap"]) {
      expect(valueOf(samples, `sessions_ended_total{reason="${reason}"}`)).toBe(0);
    }
    for (const outcome of ["refreshed", "waited", "failed"]) {
      expect(valueOf(samples, `token_refreshes_total{outcome="${outcome}"}`)).toBe(0);
    }
    expect(valueOf(samples, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("is never served on the app's public port", async () => {
    const response = await fetch(`${app}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toMatch(/logins_total|process_cpu/);
  });

  it("counts a sign-in, a back-channel logout and the session it ended, and what they refused", async () => {
    const before = await scrape();
    const page = await browser.newPage();
    await signIn(page);
    expect(await keysUnder(redis, `${prefix}session:`)).toHaveLength(1);

    // The provider's "sign out everywhere" sends the app a signed logout token.
    const logout = await fetch(`${stack.idpUrl}/admin/api/logout`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sub: testUsers.alice.sub }),
    });
    expect(logout.status).toBe(200);
    expect(await logout.json()).toMatchObject({ deliveries: [{ status: 200 }] });
    expect(await keysUnder(redis, `${prefix}session:`)).toEqual([]);
    // A token that is not one: refused, and counted as such.
    const forged = await fetch(`${app}/auth/backchannel-logout`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "logout_token=not.a.token",
    });
    expect(forged.status).toBe(400);
    // A callback with no login behind it: no session, a failed login.
    const stray = await fetch(`${app}/auth/callback?code=stray&state=stray`);
    expect(stray.status).toBe(400);
    await page.close();

    const after = await scrape();
    const moved = (series: string) => valueOf(after, series) - valueOf(before, series);
    expect(moved('logins_total{outcome="ok"}')).toBe(1);
    expect(moved('logins_total{outcome="failed"}')).toBe(1);
    expect(moved('backchannel_logout_requests_total{outcome="ended"}')).toBe(1);
    expect(moved('backchannel_logout_requests_total{outcome="invalid_token"}')).toBe(1);
    expect(moved('sessions_ended_total{reason="backchannel"}')).toBe(1);
    // The login and the logout went through the store's Lua commands, each timed by name
    // (a Lua command's series exists once its module has loaded: maybe only now).
    const timed = [...after.keys()].filter(
      (series) =>
        series.startsWith("redis_command_duration_seconds_count{") &&
        after.get(series)! > (before.get(series) ?? 0),
    );
    expect(timed.length).toBeGreaterThanOrEqual(3);
  });

  it("counts the session that /auth/logout ends", async () => {
    const page = await browser.newPage();
    await signIn(page);
    const before = await scrape();
    await page.goto(`${app}/auth/logout`);
    await eventually(
      () => keysUnder(redis, `${prefix}session:`),
      (keys) => keys.length === 0,
    );
    await page.close();
    const after = await scrape();
    expect(
      valueOf(after, 'sessions_ended_total{reason="logout"}') -
        valueOf(before, 'sessions_ended_total{reason="logout"}'),
    ).toBe(1);
  });

  it("counts a refresh of an expiring access token", async () => {
    const page = await browser.newPage();
    await signIn(page);
    await sleep(1_500);
    const before = await scrape();
    const invoices = await page.request.get(`${app}/api/invoices`);
    expect(invoices.status()).toBe(200);
    const after = await scrape();
    const moved = (series: string) => valueOf(after, series) - valueOf(before, series);
    expect(moved('token_refreshes_total{outcome="refreshed"}')).toBe(1);
    expect(moved('token_refreshes_total{outcome="failed"}')).toBe(0);
    await page.goto(`${app}/auth/logout`);
    await page.close();
  });

  it("answers 404 for another path and 405 for another method on its own port", async () => {
    expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
    const post = await fetch(metricsUrl, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
  });
});

describe("METRICS_PORT=0", () => {
  it("opens no listener but the app's own", async () => {
    const port = await freePort();
    const server = startApp("metrics-off", {
      AUTH0_DOMAIN: "http://localhost:4999",
      AUTH0_CLIENT_ID: "client",
      AUTH0_CLIENT_SECRET: "secret",
      AUTH0_SECRET: appSecret,
      APP_BASE_URL: `http://localhost:${port}`,
      REDIS_URL: process.env.REDIS_URL,
      PORT: String(port),
      METRICS_PORT: "0",
    });
    try {
      await waitForHttp(`http://localhost:${port}/`, server);
      expect(listeningSockets(server.child.pid!)).toEqual([`127.0.0.1:${port}`]);
      expect(server.output()).not.toMatch(/metrics_listening/);
    } finally {
      await server.stop();
    }
  });
});
