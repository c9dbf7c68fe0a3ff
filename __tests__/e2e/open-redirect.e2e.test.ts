import { readFileSync } from "node:fs";
import path from "node:path";
import type { Redis } from "ioredis";
import { HttpAgent, submitProviderLogin } from "../support/http-agent";
import { testUsers } from "../support/login";
import { projectRoot } from "../support/processes";
import { startStack, type Stack } from "../support/stack";
import { clearPrefix, connectTestRedis } from "../support/test-redis";

jest.setTimeout(300_000);

// 485 known open-redirect payloads from the SDK's own test fixtures (MIT; see
// __tests__/fixtures/README.md); `whitelisted.com` stands for this app, every other host
// is an attacker's.
const payloadsFile = path.join(
  projectRoot,
  "__tests__/fixtures/open-redirect-payloads.json",
);
const payloads = JSON.parse(readFileSync(payloadsFile, "utf8")) as string[];

let stack: Stack;
let redis: Redis;
let prefix: string;
let app: URL;
const agent = new HttpAgent();

/**
 * The whole login round trip from `loginUrl`: the app's /auth/login, the provider (where
 * the agent already has a session), the app's callback. Returns where the callback sends
 * the browser in the end, and the origins passed through.
 */
async function roundTrip(
  loginUrl: string,
): Promise<{ finalLocation: URL; via: string[] }> {
  const toCallback = await agent.follow(
    loginUrl,
    (next) => next.origin === app.origin && next.pathname === "/auth/callback",
  );
  if (!toCallback.next) {
    throw new Error(
      `no callback reached: ${toCallback.hops.join(" → ")} (${toCallback.response.status})`,
    );
  }
  const callback = await agent.request(toCallback.next.toString());
  const location = callback.headers.get("location");
  if (callback.status !== 307 || !location) {
    throw new Error(`callback answered ${callback.status}: ${await callback.text()}`);
  }
  return {
    finalLocation: new URL(location, app),
    via: toCallback.hops.map((hop) => new URL(hop).origin),
  };
}

beforeAll(async () => {
  ({ redis, prefix } = connectTestRedis());
  // Without offline_access the provider needs no consent step once the user has a grant,
  // so each round trip is three redirects.
  stack = await startStack({
    keyPrefix: prefix,
    appEnv: { AUTH0_SCOPE: "openid profile email" },
  });
  app = new URL(stack.appUrls[0]!);
  // Sign in at the provider once; every later round trip reuses that session.
  const toLoginPage = await agent.follow(`${app.origin}/auth/login`);
  const loginPage = toLoginPage.hops[toLoginPage.hops.length - 1]!;
  const submitted = await submitProviderLogin(agent, loginPage, testUsers.alice);
  const next = new URL(submitted.headers.get("location")!, loginPage);
  const finished = await agent.follow(
    next.toString(),
    (url) => url.origin === app.origin && url.pathname === "/auth/callback",
  );
  const callback = await agent.request(finished.next!.toString());
  expect(callback.status).toBe(307);
});

afterAll(async () => {
  await stack?.stop();
  await clearPrefix(redis, prefix);
  await redis.quit();
});

describe("returnTo never leads off the site after the whole login round trip", () => {
  it("has the fixture's 485 payloads", () => {
    expect(payloads).toHaveLength(485);
  });

  it("keeps a plain returnTo path", async () => {
    const { finalLocation } = await roundTrip(
      `${app.origin}/auth/login?returnTo=${encodeURIComponent("/dashboard?tab=1")}`,
    );
    expect(finalLocation.toString()).toBe(`${app.origin}/dashboard?tab=1`);
  });

  it.each([
    ["as written in the URL", (payload: string) => payload],
    ["URL-encoded", (payload: string) => encodeURIComponent(payload)],
  ])("lands on this app's origin for every payload %s", async (_how, place) => {
    const offSite: string[] = [];
    for (const payload of payloads) {
      const { finalLocation, via } = await roundTrip(
        `${app.origin}/auth/login?returnTo=${place(payload)}`,
      );
      const allowed = new Set([app.origin, stack.idpUrl]);
      if (
        finalLocation.origin !== app.origin ||
        via.some((origin) => !allowed.has(origin))
      ) {
        offSite.push(`${payload} → ${finalLocation.toString()}`);
      }
    }
    expect(offSite).toEqual([]);
  });

  it("keeps logout's returnTo on the site for every payload", async () => {
    const offSite: string[] = [];
    for (const payload of payloads) {
      // A logout with no session goes straight to the provider's end-session endpoint.
      const response = await fetch(
        `${app.origin}/auth/logout?returnTo=${encodeURIComponent(payload)}`,
        {
          headers: { "sec-fetch-site": "same-origin" },
          redirect: "manual",
        },
      );
      const location = new URL(response.headers.get("location")!, app);
      const target =
        location.searchParams.get("post_logout_redirect_uri") ??
        location.searchParams.get("returnTo");
      if (
        location.origin !== stack.idpUrl ||
        !target ||
        new URL(target).origin !== app.origin
      ) {
        offSite.push(`${payload} → ${location.toString()}`);
      }
    }
    expect(offSite).toEqual([]);
  });
});
