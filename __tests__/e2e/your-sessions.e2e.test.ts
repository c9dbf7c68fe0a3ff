/*
 * "Your sessions" (/sessions) and the administrators' page (/admin/sessions) in Chromium,
 * on the production build, the local provider and a real Redis, with the provider's
 * Management API configured: ending a session here ends it at the provider too.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { localManagementClient } from "../support/local-provider";
import { isProviderLoginPage, signInAtProvider, testUsers } from "../support/login";
import type { SessionView } from "../../lib/your-sessions/sessions-of-user";
import { startE2eEnv, type E2eEnv } from "../support/e2e-env";
import {
  signOutDevice,
  signedInDevice,
  waitForSessionCards,
} from "../support/sessions-page";
import { stopProvider } from "../support/stack";
import { projectRoot } from "../support/processes";
import { keysUnder } from "../support/test-redis";
import { sessionDataOf } from "../../lib/session/session-record";

jest.setTimeout(240_000);

/** Short, so that one test can see a sign-in go stale; the others act well within it. */
const reauthMaxAgeSeconds = 12;
const screenshots = path.join(projectRoot, ".test-artifacts", "screenshots");
const iPhone =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const windowsFirefox =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";

let env: E2eEnv;
let app: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  env = await startE2eEnv({
    appEnv: {
      AUTH0_MGMT_CLIENT_ID: localManagementClient.id,
      AUTH0_MGMT_CLIENT_SECRET: localManagementClient.secret,
      AUTH0_REAUTH_MAX_AGE: String(reauthMaxAgeSeconds),
    },
  });
  app = env.stack.appUrls[0]!;
  mkdirSync(screenshots, { recursive: true });
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  // Every test starts with no sessions of anyone.
  for (const key of await keysUnder(env.redis, env.prefix)) await env.redis.del(key);
});

afterAll(async () => {
  await env?.close();
});

type User = (typeof testUsers)[keyof typeof testUsers];

/** A new browser ("device"), signed in as `user`, on /sessions. */
async function device(
  user: User,
  userAgent?: string,
  extraHTTPHeaders?: Record<string, string>,
): Promise<Page> {
  const page = await signedInDevice(env.browser, app, user, {
    ...(userAgent ? { userAgent } : {}),
    ...(extraHTTPHeaders ? { extraHTTPHeaders } : {}),
  });
  contexts.push(page.context());
  return page;
}

/** GET /api/sessions with the device's cookies. */
async function listed(page: Page): Promise<SessionView[]> {
  const response = await page.request.get(`${app}/api/sessions`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { sessions: SessionView[] }).sessions;
}

/** The device cards the page shows, in order. */
async function cards(page: Page): Promise<{ text: string; current: boolean }[]> {
  const items = page.getByTestId("session");
  const result = [];
  for (let i = 0; i < (await items.count()); i++) {
    const item = items.nth(i);
    result.push({
      text: (await item.textContent()) ?? "",
      current: (await item.getAttribute("data-current")) === "true",
    });
  }
  return result;
}

/** Whether the device's next navigation to a protected page is sent to the provider's login. */
async function mustSignInAgain(page: Page): Promise<boolean> {
  await page.goto(`${app}/profile`);
  return isProviderLoginPage(page, env.stack.idpUrl);
}

function logLines(event: string): Record<string, unknown>[] {
  return env.stack.apps[0]!.output()
    .split("\n")
    .filter((line) => line.includes(`"event":"${event}"`))
    .map((line) => JSON.parse(line.slice(line.indexOf("{"))) as Record<string, unknown>);
}

describe("/sessions", () => {
  it("shows every device of the user, this one first and marked; the API answers the same", async () => {
    // The laptop forges the headers that would name another address: TRUST_PROXY is 0,
    // so the socket's peer is recorded all the same.
    const laptop = await device(testUsers.alice, windowsFirefox, {
      "x-forwarded-for": "203.0.113.9",
      "x-peer-address": "198.51.100.1",
    });
    const phone = await device(testUsers.alice, iPhone);

    await phone.reload();
    const onPhone = await cards(phone);
    expect(onPhone).toHaveLength(2);
    expect(onPhone[0]).toMatchObject({ current: true });
    expect(onPhone[0]!.text).toContain("Mobile Safari 17 on iOS 17.5");
    expect(onPhone[0]!.text).toContain("This device");
    expect(onPhone[0]!.text).toContain("Phone · 127.0.0.1");
    expect(onPhone[0]!.text).toMatch(/Signed in (just now|1 minute ago) · active now/);
    expect(onPhone[1]).toMatchObject({ current: false });
    expect(onPhone[1]!.text).toContain("Firefox 128 on Windows 10");
    expect(onPhone[1]!.text).toContain("Computer · 127.0.0.1");
    expect(onPhone[1]!.text).not.toContain("This device");
    expect(await phone.getByTestId("provider-note").textContent()).toContain(
      "also ends its sign-in at the sign-in service",
    );
    await phone.setViewportSize({ width: 900, height: 700 });
    await phone.screenshot({
      path: path.join(screenshots, "sessions.png"),
      fullPage: true,
    });

    await laptop.reload();
    const onLaptop = await cards(laptop);
    expect(onLaptop.map((card) => card.current)).toEqual([true, false]);
    expect(onLaptop[0]!.text).toContain("Firefox 128 on Windows 10");

    // The API: the same two, ISO times, opaque ids that are no part of any Redis key.
    const response = await phone.request.get(`${app}/api/sessions`);
    expect(response.headers()["cache-control"]).toBe("no-store");
    const sessions = ((await response.json()) as { sessions: SessionView[] }).sessions;
    expect(sessions).toHaveLength(2);
    const keys = (await keysUnder(env.redis, env.prefix)).join("\n");
    for (const session of sessions) {
      expect(Object.keys(session).sort()).toEqual(
        [
          "browser",
          "createdAt",
          "current",
          "device",
          "id",
          "ip",
          "lastActiveAt",
          "os",
        ].sort(),
      );
      expect(session.id).toMatch(/^[\w-]{32}$/);
      expect(keys).not.toContain(session.id);
      expect(new Date(session.createdAt).toISOString()).toBe(session.createdAt);
      expect(new Date(session.lastActiveAt).toISOString()).toBe(session.lastActiveAt);
      expect(session.ip).toBe("127.0.0.1");
    }
    expect(sessions.map((session) => session.current)).toEqual([true, false]);
    // The provider's sid stays on the server: no key names it (checked above), and no
    // value is one. (Not a search for the letters "sid": a random id may hold them.)
    const sessionKeys = await keysUnder(env.redis, `${env.prefix}session:`);
    const sids = await Promise.all(
      sessionKeys.map(async (key) => {
        const data = sessionDataOf((await env.redis.get(key))!)!;
        return (JSON.parse(data) as { internal: { sid?: string } }).internal.sid;
      }),
    );
    expect(sids.filter(Boolean)).toHaveLength(2);
    const answer = JSON.stringify(sessions);
    for (const sid of sids) expect(answer).not.toContain(sid!);
  });

  it("answers 401 without a session, 403 cross-site, 404 for a session that is not the caller's, 405 otherwise", async () => {
    expect((await fetch(`${app}/api/sessions`)).status).toBe(401);
    expect((await fetch(`${app}/api/sessions/end-all`, { method: "POST" })).status).toBe(
      401,
    );
    const alice = await device(testUsers.alice);
    const crossSite = await alice.request.post(`${app}/api/sessions/end-others`, {
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(crossSite.status()).toBe(403);
    const otherOrigin = await alice.request.delete(`${app}/api/sessions/x`, {
      headers: { origin: "https://evil.example" },
    });
    expect(otherOrigin.status()).toBe(403);
    expect((await alice.request.get(`${app}/api/sessions/end-all`)).status()).toBe(405);
    const unknown = await alice.request.delete(`${app}/api/sessions/${"A".repeat(32)}`);
    expect(unknown.status()).toBe(404);
    expect(await listed(alice)).toHaveLength(1);
  });

  it("ends another device, which must sign in again, at the provider too", async () => {
    const laptop = await device(testUsers.alice, windowsFirefox);
    const phone = await device(testUsers.alice, iPhone);
    await phone.reload();
    await signOutDevice(phone, "Firefox");
    expect(await phone.getByTestId("sessions-status").textContent()).toBe(
      "Signed out 1 session.",
    );
    expect(await listed(phone)).toEqual([expect.objectContaining({ current: true })]);
    // The laptop's next navigation: sent to log in, and single sign-on does not quietly
    // sign it back in (its provider session was revoked): the password form.
    expect(await mustSignInAgain(laptop)).toBe(true);
    expect(logLines("sessions_ended")).toContainEqual(
      expect.objectContaining({
        actor: testUsers.alice.sub,
        target: testUsers.alice.sub,
        count: 1,
        reason: "one",
        provider: "ended",
      }),
    );
    // The phone is untouched.
    await phone.goto(`${app}/profile`);
    expect(await phone.getByTestId("user-name").textContent()).toBe(testUsers.alice.name);
  });

  it("ends all other sessions, then everywhere", async () => {
    const one = await device(testUsers.alice);
    const two = await device(testUsers.alice);
    const three = await device(testUsers.alice);
    await three.reload();
    expect(await cards(three)).toHaveLength(3);
    await three.getByRole("button", { name: "Sign out all other sessions" }).click();
    await waitForSessionCards(three, 1);
    expect(await three.getByTestId("sessions-status").textContent()).toBe(
      "Signed out 2 sessions.",
    );
    expect(await mustSignInAgain(one)).toBe(true);
    expect(await mustSignInAgain(two)).toBe(true);

    const four = await device(testUsers.alice);
    await three.reload();
    expect(await cards(three)).toHaveLength(2);
    await three.getByRole("button", { name: "Sign out everywhere" }).click();
    // Then the provider's logout, and back to the app, signed out.
    await three.waitForURL(
      (url) => url.toString().startsWith(app) && url.pathname === "/",
    );
    expect(await keysUnder(env.redis, `${env.prefix}session:`)).toEqual([]);
    expect(await mustSignInAgain(three)).toBe(true);
    expect(await mustSignInAgain(four)).toBe(true);
    expect(logLines("sessions_ended")).toContainEqual(
      expect.objectContaining({ reason: "all", count: 2, target: testUsers.alice.sub }),
    );
  });

  it("asks a stale sign-in to authenticate again, then the action succeeds", async () => {
    const laptop = await device(testUsers.alice);
    const phone = await device(testUsers.alice, iPhone);
    // Past AUTH0_REAUTH_MAX_AGE since the phone's sign-in (its ID token's auth_time).
    await new Promise((resolve) => setTimeout(resolve, (reauthMaxAgeSeconds + 2) * 1000));
    const stale = await phone.request.post(`${app}/api/sessions/end-others`);
    expect(stale.status()).toBe(401);
    expect(await stale.json()).toEqual({ error: "reauthentication_required" });
    expect(await listed(phone)).toHaveLength(2); // nothing ended

    await phone.reload();
    await phone.getByRole("button", { name: "Sign out all other sessions" }).click();
    // max_age=0: the provider asks for the password although single sign-on could answer.
    await phone.waitForURL((url) => url.href.startsWith(env.stack.idpUrl));
    await phone.waitForSelector('input[name="password"]');
    await signInAtProvider(phone, testUsers.alice);
    await phone.waitForURL(`${app}/sessions`);
    // The new sign-in replaced this device's session; the laptop's is still there.
    expect(await cards(phone)).toHaveLength(2);
    await phone.getByRole("button", { name: "Sign out all other sessions" }).click();
    await waitForSessionCards(phone, 1);
    expect(await mustSignInAgain(laptop)).toBe(true);
  });

  it("never shows or ends one user's sessions to another", async () => {
    const alice = await device(testUsers.alice);
    const bob = await device(testUsers.bob);
    const aliceSessions = await listed(alice);
    const bobSessions = await listed(bob);
    expect(aliceSessions).toHaveLength(1);
    expect(bobSessions).toHaveLength(1);
    expect(bobSessions[0]!.id).not.toBe(aliceSessions[0]!.id);
    const ended = await bob.request.delete(`${app}/api/sessions/${aliceSessions[0]!.id}`);
    expect(ended.status()).toBe(404);
    expect((await bob.request.post(`${app}/api/sessions/end-all`)).status()).toBe(200);
    expect(await listed(alice)).toHaveLength(1);
    await alice.goto(`${app}/profile`);
    expect(await alice.getByTestId("user-name").textContent()).toBe(testUsers.alice.name);
  });
});

describe("/admin/sessions", () => {
  it("lets an administrator find a user by email and end one or all of their sessions", async () => {
    const laptop = await device(testUsers.alice, windowsFirefox);
    const phone = await device(testUsers.alice, iPhone);
    const admin = await device(testUsers.admin);

    await admin.goto(`${app}/admin/sessions`);
    await admin.fill("#user", "ALICE@example.com");
    await admin.getByRole("button", { name: "Find" }).click();
    await admin.waitForURL(/\/admin\/sessions\?user=/);
    expect(await admin.getByTestId("target-user").textContent()).toBe(
      testUsers.alice.sub,
    );
    expect(await cards(admin)).toHaveLength(2);
    expect((await cards(admin)).every((card) => !card.current)).toBe(true);
    await admin.setViewportSize({ width: 900, height: 700 });
    await admin.screenshot({
      path: path.join(screenshots, "admin-sessions.png"),
      fullPage: true,
    });

    await signOutDevice(admin, "Firefox");
    expect(await mustSignInAgain(laptop)).toBe(true);

    await admin.getByRole("button", { name: "Sign out all sessions" }).click();
    await waitForSessionCards(admin, 0);
    expect(await mustSignInAgain(phone)).toBe(true);
    const endings = logLines("sessions_ended").filter(
      (line) => line.actor === testUsers.admin.sub,
    );
    expect(endings).toEqual([
      expect.objectContaining({ target: testUsers.alice.sub, count: 1, reason: "one" }),
      expect.objectContaining({ target: testUsers.alice.sub, count: 1, reason: "all" }),
    ]);
    // The administrator's own session was not touched.
    await admin.goto(`${app}/profile`);
    expect(await admin.getByTestId("user-name").textContent()).toBe(testUsers.admin.name);
  });

  it("is a 403 for everyone else, page and API alike", async () => {
    const alice = await device(testUsers.alice);
    const bob = await device(testUsers.bob);
    const page = await bob.goto(`${app}/admin/sessions?user=alice@example.com`);
    expect(page?.status()).toBe(403);
    expect(await bob.getByTestId("admin-forbidden").isVisible()).toBe(true);
    expect(await bob.textContent("body")).not.toContain("Safari");
    const api = await bob.request.get(`${app}/api/admin/sessions?user=auth0|alice`);
    expect(api.status()).toBe(403);
    const endAll = await bob.request.post(
      `${app}/api/admin/sessions/end-all?user=${encodeURIComponent(testUsers.alice.sub)}`,
    );
    expect(endAll.status()).toBe(403);
    expect(await listed(alice)).toHaveLength(1);
    const unknown = await (
      await device(testUsers.admin)
    ).request.get(`${app}/api/admin/sessions?user=nobody@example.com`);
    expect(unknown.status()).toBe(404);
  });
});

describe("with the provider's Management API down", () => {
  // Last in the file: the provider stays down.
  it("still ends the app session, and says the provider's could not be ended (503)", async () => {
    const laptop = await device(testUsers.alice, windowsFirefox);
    const phone = await device(testUsers.alice, iPhone);
    await stopProvider(env.stack, app);
    await phone.reload();
    await signOutDevice(phone, "Firefox");
    expect(await phone.getByTestId("sessions-status").textContent()).toContain(
      "Signed out of 1 session in this app, but the sign-in service could not be reached",
    );
    const api = await phone.request.post(`${app}/api/sessions/end-all`);
    expect(api.status()).toBe(503);
    expect(await api.json()).toEqual({ error: "provider_unavailable", ended: 1 });
    expect(await keysUnder(env.redis, `${env.prefix}session:`)).toEqual([]);
    await laptop.goto(`${app}/profile`);
    expect(laptop.url()).not.toBe(`${app}/profile`);
  });
});
