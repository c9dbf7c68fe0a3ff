import type { Redis } from "ioredis";
import { freePort } from "../../dev/harness/free-port";
import { HttpAgent, parseSetCookie, submitProviderLogin } from "../support/http-agent";
import { testUsers } from "../support/login";
import { startProcess, waitForHttp, type RunningProcess } from "../support/processes";
import {
  appSecret,
  audience,
  baseEnv,
  clientId,
  clientSecret,
  startApp,
} from "../support/stack";
import { clearPrefix, connectTestRedis } from "../support/test-redis";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

jest.setTimeout(90_000);

// The app believes it is served at https://localhost:<port> (as behind a TLS proxy); the
// test talks plain http to it and reads the Set-Cookie headers it sends.
let idp: RunningProcess;
let app: RunningProcess;
let appHttp: string;
let appHttps: string;
let redis: Redis;
let prefix: string;
const agent = new HttpAgent();
let loginSetCookies: string[] = [];
let callbackSetCookies: string[] = [];
let callbackHeaders: Headers;

beforeAll(async () => {
  ({ redis, prefix } = connectTestRedis());
  const [idpPort, appPort] = [await freePort(), await freePort()];
  const idpUrl = `http://localhost:${idpPort}`;
  appHttp = `http://localhost:${appPort}`;
  appHttps = `https://localhost:${appPort}`;
  idp = startProcess(
    "idp-https",
    process.execPath,
    [require.resolve("tsx/cli"), "dev/idp/server.ts"],
    {
      ...baseEnv(),
      IDP_PORT: String(idpPort),
      IDP_HOST: "127.0.0.1",
      IDP_APP_URLS: appHttps,
      IDP_CLIENT_ID: clientId,
      IDP_CLIENT_SECRET: clientSecret,
      IDP_AUDIENCE: audience,
      IDP_KEY_FILE: path.join(mkdtempSync(path.join(tmpdir(), "idp-key-")), "key.json"),
    },
  );
  app = startApp("app-https", {
    PORT: String(appPort),
    AUTH0_DOMAIN: idpUrl,
    AUTH0_CLIENT_ID: clientId,
    AUTH0_CLIENT_SECRET: clientSecret,
    AUTH0_SECRET: appSecret,
    APP_BASE_URL: appHttps,
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
  });
  await waitForHttp(`${idpUrl}/healthz`, idp);
  await waitForHttp(`${appHttp}/`, app);

  const login = await agent.request(`${appHttp}/auth/login`);
  loginSetCookies = login.headers.getSetCookie();
  const toLoginPage = await agent.follow(login.headers.get("location")!);
  const loginPage = toLoginPage.hops[toLoginPage.hops.length - 1]!;
  const submitted = await submitProviderLogin(agent, loginPage, testUsers.alice);
  const toCallback = await agent.follow(
    new URL(submitted.headers.get("location")!, loginPage).toString(),
    (url) => url.origin === appHttps,
  );
  const callback = await agent.request(
    toCallback.next!.toString().replace(appHttps, appHttp),
  );
  callbackSetCookies = callback.headers.getSetCookie();
  callbackHeaders = callback.headers;
});

afterAll(async () => {
  await Promise.all([idp?.stop(), app?.stop()]);
  await clearPrefix(redis, prefix);
  await redis.quit();
});

/** `Expires` is an HTTP date `seconds` after the answer's own `Date`, to the second. */
function expectExpiresAfter(expires: string | true | undefined, seconds: number): void {
  expect(typeof expires).toBe("string");
  const sentAt = Date.parse(callbackHeaders.get("date")!);
  expect(
    Math.abs(Date.parse(expires as string) - (sentAt + seconds * 1000)),
  ).toBeLessThanOrEqual(2_000);
}

describe("under https", () => {
  it("names the session cookie __Host-session with exactly Path=/, Secure, HttpOnly, SameSite=Lax, its lifetime and no Domain", () => {
    const line = callbackSetCookies.find((c) => c.startsWith("__Host-session="));
    expect(line).toBeDefined();
    const { attributes } = parseSetCookie(line!);
    const { expires, "max-age": maxAge, ...rest } = attributes;
    expect(rest).toEqual({ path: "/", secure: true, httponly: true, samesite: "lax" });
    // The SDK's rolling is off: the cookie lives for the absolute lifetime (3 days), and
    // Redis' TTL enforces inactivity.
    expect(Number(maxAge)).toBe(259_200);
    expectExpiresAfter(expires, 259_200);
  });

  it("uses the __Host- prefix, Secure, HttpOnly, SameSite=Lax and a one-hour life for the transaction cookie", () => {
    const txn = loginSetCookies
      .map(parseSetCookie)
      .find((c) => c.name.startsWith("__Host-txn_"));
    expect(txn).toBeDefined();
    const { expires, "max-age": maxAge, ...rest } = txn!.attributes;
    expect(rest).toEqual({ path: "/", secure: true, httponly: true, samesite: "lax" });
    expect(Number(maxAge)).toBe(3600);
    expectExpiresAfter(expires, 3600);
  });

  it("sets no cookie on later requests that carry the session cookie", async () => {
    for (const path of ["/api/me", "/profile", "/", "/api/health"]) {
      const response = await agent.request(`${appHttp}${path}`);
      await response.arrayBuffer();
      expect([path, response.status]).toEqual([path, 200]);
      expect([path, response.headers.getSetCookie()]).toEqual([path, []]);
    }
  });

  it("sends no session cookie without the prefix", () => {
    expect(callbackSetCookies.some((line) => line.startsWith("__session="))).toBe(false);
  });

  it("sends HSTS", async () => {
    expect(callbackHeaders.get("strict-transport-security")).toBe(
      "max-age=31536000; includeSubDomains",
    );
    const home = await fetch(`${appHttp}/`);
    expect(home.headers.get("strict-transport-security")).toBe(
      "max-age=31536000; includeSubDomains",
    );
  });

  it("logs the user in with that cookie", async () => {
    const me = await agent.request(`${appHttp}/api/me`);
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { sub: string } }).user.sub).toBe(
      testUsers.alice.sub,
    );
  });
});
