/*
 * Issue 16, finding 2, end to end: in a browser signed in as alice, a link to
 * `/auth/login?challengeMode=popup` and a sign-in as bob. The SDK's popup flow would
 * merge bob's sign-in into alice's session (bob's ID token beside alice's sid and access
 * token), a session that alice's back-channel logout then misses. The middleware forwards
 * no challengeMode (lib/http/login-parameters.ts), so this is an ordinary sign-in of bob.
 */
import { spawnSync } from "node:child_process";
import type { Redis } from "ioredis";
import { decodeJwt } from "jose";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { isProviderLoginPage, signInAtProvider, testUsers } from "../support/login";
import { projectRoot } from "../support/processes";
import { startE2eEnv, type E2eEnv } from "../support/e2e-env";
import { baseEnv, type Stack } from "../support/stack";
import { keysUnder } from "../support/test-redis";
import { sessionDataOf } from "../../lib/session/session-record";

jest.setTimeout(120_000);

let env: E2eEnv;
let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let redis: Redis;
let prefix: string;
let app: string;

interface StoredSession {
  user: { sub: string };
  tokenSet: { idToken: string; accessToken: string };
  accessTokens?: Array<{ accessToken: string }>;
  internal: { sid: string };
}

/** Every session the app keeps in Redis, as the SDK stored it. */
async function storedSessions(): Promise<StoredSession[]> {
  const keys = await keysUnder(redis, `${prefix}session:`);
  const records = await Promise.all(keys.map((key) => redis.get(key)));
  return records.map((record) => JSON.parse(sessionDataOf(record!)!) as StoredSession);
}

/** The `sub` of every JWT a session holds: its ID token and each access token. */
function subjectsOf(session: StoredSession): unknown[] {
  const tokens = [
    session.tokenSet.idToken,
    session.tokenSet.accessToken,
    ...(session.accessTokens ?? []).map((set) => set.accessToken),
  ];
  return tokens.map((token) => decodeJwt(token).sub);
}

beforeAll(async () => {
  env = await startE2eEnv();
  ({ stack, browser, redis, prefix } = env);
  app = stack.appUrls[0]!;
  context = await browser.newContext();
  page = await context.newPage();
});

afterAll(async () => {
  await env?.close();
});

describe("a sign-in through /auth/login?challengeMode=popup in a browser already signed in", () => {
  let aliceSid: string;

  it("signs alice in", async () => {
    await page.goto(`${app}/profile`);
    await signInAtProvider(page, testUsers.alice);
    await page.waitForURL(`${app}/profile`);
    expect(await page.getByTestId("user-name").textContent()).toBe(testUsers.alice.name);
    const [alice] = await storedSessions();
    expect(alice?.user.sub).toBe(testUsers.alice.sub);
    aliceSid = alice!.internal.sid;
  });

  it("signs bob in as a sign-in of his own: bob's session with bob's sid and tokens only", async () => {
    // Alice's provider session is gone from this browser (expired, say) while her session
    // here lives on, so the provider asks who signs in: bob. (A switch of account at the
    // provider would instead end alice's session here by a back-channel logout first.)
    await context.clearCookies({ name: /^_(session|interaction)/ });
    expect((await context.cookies(app)).map((cookie) => cookie.name)).toContain(
      "__session",
    );
    await page.goto(`${app}/auth/login?challengeMode=popup&returnTo=/profile`);
    expect(await isProviderLoginPage(page, stack.idpUrl)).toBe(true);
    await signInAtProvider(page, testUsers.bob);
    // The popup flow would stop at /auth/callback on its postMessage page.
    await page.waitForURL(
      (url) =>
        url.toString().startsWith(app) &&
        (url.pathname === "/profile" || url.pathname === "/auth/callback"),
    );
    expect(new URL(page.url()).pathname).toBe("/profile");
    expect(await page.getByTestId("user-name").textContent()).toBe(testUsers.bob.name);

    const sessions = await storedSessions();
    expect(sessions).toHaveLength(1);
    const [bob] = sessions;
    expect(bob!.user.sub).toBe(testUsers.bob.sub);
    expect(bob!.internal.sid).toBe(decodeJwt(bob!.tokenSet.idToken).sid);
    expect(bob!.internal.sid).not.toBe(aliceSid);
    expect(new Set(subjectsOf(bob!))).toEqual(new Set([testUsers.bob.sub]));
  });

  it("leaves no session holding a token of alice once alice is signed out everywhere", async () => {
    const result = spawnSync(
      process.execPath,
      [require.resolve("tsx/cli"), "dev/idp/logout-cli.ts", "--sub", "alice"],
      {
        cwd: projectRoot,
        env: { ...baseEnv(), IDP_ISSUER: `${stack.idpUrl}/` },
        encoding: "utf8",
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/auth0\|alice → \S+\/auth\/backchannel-logout: 200/);

    const sessions = await storedSessions();
    for (const session of sessions) {
      expect(subjectsOf(session)).not.toContain(testUsers.alice.sub);
      expect(session.internal.sid).not.toBe(aliceSid);
    }
    // Bob's own sign-in is untouched by alice's logout.
    await page.goto(`${app}/profile`);
    expect(await page.getByTestId("user-name").textContent()).toBe(testUsers.bob.name);
    expect(sessions.map((session) => session.user.sub)).toEqual([testUsers.bob.sub]);
  });
});
