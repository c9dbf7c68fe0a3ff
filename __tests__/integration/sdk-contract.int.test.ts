/*
 * The seams of lib/sdk that show in the SDK's answers to whole requests: what it answers
 * when the provider cannot be reached (a real closed port), what its logout redirect
 * carries, which AUTH0_DOMAIN values it takes, how it names and stamps login transaction
 * cookies, and what `auth0`'s ManagementClient sends through the fetch it is given. The
 * provider is otherwise answered in this process (the SDK's public `customFetch`). Each
 * failure starts with `SDK seam "<export>" changed:`. The cookie, session and error
 * seams: __tests__/unit/sdk-contract.test.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { NextRequest } from "next/server";
import { freePort } from "../../dev/harness/free-port";
import { makeSession } from "../../dev/harness/session-fixtures";
import { parseConfig } from "../../lib/config";
import { ProviderManagementUnavailableError } from "../../lib/errors";
import { issuerForDomain } from "../../lib/provider/issuer";
import { createProviderManagement } from "../../lib/provider/management";
import * as seams from "../../lib/sdk";
import {
  appClient,
  appUrl,
  cookieName,
  expectSeam,
  inProcessProvider,
  loginCookie,
  MemoryStore,
  now,
  transactionPrefix,
} from "../support/sdk-contract";

const validEnv = {
  AUTH0_DOMAIN: "tenant.example.com",
  AUTH0_CLIENT_ID: "app-client",
  AUTH0_CLIENT_SECRET: "app-client-secret",
  AUTH0_SECRET: "0123456789abcdef0123456789abcdef",
  APP_BASE_URL: appUrl,
  REDIS_URL: "redis://127.0.0.1:6379",
};

afterEach(() => jest.restoreAllMocks());

/** A request to the app as Next hands it to the proxy, with a browser's cookies. */
function appRequest(path: string, cookies: ReadonlyMap<string, string> = new Map()) {
  const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  return new NextRequest(new URL(path, appUrl), {
    headers: cookie === "" ? {} : { cookie },
  });
}

/** The cookies a browser keeps after `response`, starting from `jar`. */
function keepCookies(jar: Map<string, string>, response: Response): Map<string, string> {
  for (const line of response.headers.getSetCookie()) {
    const [pair = "", ...attributes] = line.split("; ");
    const [name = "", value = ""] = pair.split(/=(.*)/s);
    if (attributes.some((a) => /^max-age=0$|^expires=thu, 01 jan 1970/i.test(a)))
      jar.delete(name);
    else jar.set(name, value);
  }
  return jar;
}

/** The SDK's discovery request failing as a refused connection does, and its log. */
function expectDiscoveryFailureLogged() {
  return jest.spyOn(console, "error").mockImplementation(() => undefined);
}

describe("the SDK's answers while the provider cannot be reached", () => {
  it("is a 5xx for a login, and for a logout that still ends the session", async () => {
    const logged = expectDiscoveryFailureLogged();
    const store = new MemoryStore();
    const { cookie, id } = await loginCookie(store, makeSession());
    const client = appClient(store, {
      domain: `http://localhost:${await freePort()}`,
      customFetch: fetch,
    });
    const login = await client.middleware(appRequest("/auth/login"));
    const session = new Map([[cookieName, cookie]]);
    const logout = await client.middleware(appRequest("/auth/logout", session));
    await expectSeam("isSdkProviderFailure", () => {
      expect({
        login: [login.status, seams.isSdkProviderFailure(login)],
        logout: [logout.status, seams.isSdkProviderFailure(logout)],
      }).toEqual({ login: [login.status, true], logout: [logout.status, true] });
      expect(keepCookies(new Map(session), logout).has(cookieName)).toBe(false);
      expect(store.sessions.has(id)).toBe(false);
      expect(String(logged.mock.calls[0]?.[0])).toMatch(/discovery/);
    });
  });

  it("still redirects a logout once it has read the discovery document", async () => {
    let providerUp = true;
    const provider = inProcessProvider();
    const customFetch: typeof fetch = (input, init) =>
      providerUp
        ? provider.fetch(input, init)
        : Promise.reject(new TypeError("fetch failed"));
    const client = appClient(new MemoryStore(), { customFetch });
    await client.middleware(appRequest("/auth/login"));
    providerUp = false;
    const logout = await client.middleware(appRequest("/auth/logout"));
    await expectSeam("isSdkProviderFailure", () => {
      // Why the middleware asks the provider's health before the SDK's logout.
      expect([logout.status, seams.isSdkProviderFailure(logout)]).toEqual([307, false]);
    });
  });
});

describe("the SDK's logout redirect", () => {
  it("carries the session's sid as logout_hint and no ID token", async () => {
    const store = new MemoryStore();
    const { cookie } = await loginCookie(store, makeSession({ sid: "sid-alice" }));
    const client = appClient(store);
    const logout = await client.middleware(
      appRequest("/auth/logout", new Map([[cookieName, cookie]])),
    );
    const query = new URL(logout.headers.get("location")!).searchParams;
    await expectSeam("sdkLogoutRedirectParameters", () => {
      expect([...query.keys()].sort()).toEqual(
        [...seams.sdkLogoutRedirectParameters].sort(),
      );
      expect(query.get("logout_hint")).toBe("sid-alice");
    });
  });
});

describe("AUTH0_DOMAIN", () => {
  const domains = [
    ["tenant.example.com", "TENANT.example.com", "tenant.example.com:443"],
    [
      "http://localhost:4000",
      "http://idp.localhost:4000",
      "localhost",
      "https://localhost",
    ],
    ["https://login.example.com", "https://login.example.com:8443"],
    ["http://login.example.com:8080", "https://tenant.local"],
    ["127.0.0.1", "http://127.0.0.1:4000", "http://[::1]:4000"],
  ].flat();

  /** The issuer the SDK discovers the provider at for `domain`, or "refused". */
  async function sdkIssuerFor(domain: string): Promise<string> {
    const provider = inProcessProvider();
    try {
      const client = appClient(new MemoryStore(), {
        domain,
        customFetch: provider.fetch,
      });
      await client.middleware(appRequest("/auth/login"));
    } catch (error) {
      if ((error as Error).name === "DomainValidationError") return "refused";
      throw error;
    }
    return provider.requested[0]!.replace(/\.well-known\/openid-configuration$/, "");
  }

  it.each(domains)(
    "%s: the app takes it only as the SDK does, else says why",
    async (domain) => {
      const sdk = await sdkIssuerFor(domain);
      let app: string;
      try {
        app = issuerForDomain(
          parseConfig({ ...validEnv, AUTH0_DOMAIN: domain }).auth0.domain,
        );
      } catch {
        app = "refused";
      }
      const origin = /^https?:\/\//i.test(domain) ? new URL(domain) : undefined;
      const problem = seams.sdkDomainProblem(domain, origin);
      await expectSeam("sdkDomainProblem", () => {
        if (app !== "refused") expect({ domain, sdk }).toEqual({ domain, sdk: app });
        // Every SDK rule the app enforces still holds: refused, or quietly changed.
        if (problem !== undefined)
          expect({ domain, takenAsWritten: sdk === `${origin?.origin}/` }).toEqual({
            domain,
            takenAsWritten: false,
          });
      });
    },
  );
});

describe("login transaction cookies", () => {
  const loginState = (response: Response) =>
    new URL(response.headers.get("location")!).searchParams.get("state")!;

  it("are named by the login's state and stamped with when they were written", async () => {
    const client = appClient(new MemoryStore());
    const before = now();
    const login = await client.middleware(appRequest("/auth/login"));
    const [line = ""] = login.headers.getSetCookie();
    const [pair = ""] = line.split(";");
    const name = seams.transactionCookieName(transactionPrefix, loginState(login));
    await expectSeam("transactionCookieName", () => {
      expect(pair.startsWith(`${name}=`)).toBe(true);
    });
    await expectSeam("transactionCookieCreatedAt", () => {
      expect(seams.transactionCookieCreatedAt(pair)).toBeGreaterThanOrEqual(before);
      expect(seams.transactionCookieCreatedAt(pair)).toBeLessThanOrEqual(now());
    });
    await expectSeam("sdkTransactionLifetimeSeconds", () => {
      expect(line).toMatch(
        new RegExp(`Max-Age=${seams.sdkTransactionLifetimeSeconds}(;|$)`),
      );
    });
  });

  it("stay within the SDK's byte budget, and so within the app's count, however many logins start", async () => {
    // The app's count comes with its configuration, read when its module loads.
    Object.assign(process.env, { ...validEnv, REDIS_URL: process.env.REDIS_URL });
    const { maxTransactionCookies } = await import("../../lib/http/transaction-cookies");
    const client = appClient(new MemoryStore());
    const jar = new Map<string, string>();
    for (let login = 0; login < 12; login++) {
      keepCookies(jar, await client.middleware(appRequest("/auth/login", jar)));
      // Measured as the SDK measures: values as its parser reads them, decoded.
      const bytes = [...jar].reduce(
        (sum, [n, v]) => sum + `${n}=${decodeURIComponent(v)}`.length,
        0,
      );
      await expectSeam("sdkTransactionCookieBudgetBytes", () => {
        expect({ login, under: bytes < seams.sdkTransactionCookieBudgetBytes }).toEqual({
          login,
          under: true,
        });
        expect(jar.size).toBeLessThanOrEqual(maxTransactionCookies);
      });
    }
  });
});

describe("auth0's ManagementClient", () => {
  it("sends its token request and API call through the given fetch, at URLs the app rewrites", async () => {
    const requested: string[] = [];
    let failAt: string | undefined;
    jest.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      const url = input instanceof Request ? input.url : String(input);
      requested.push(url);
      if (failAt && url.includes(failAt)) throw new TypeError("fetch failed");
      return url.endsWith("/oauth/token")
        ? Response.json({ access_token: "m2m", expires_in: 60, token_type: "Bearer" })
        : new Response(null, { status: 202 });
    });
    const management = createProviderManagement({
      domain: "http://idp.test:4000",
      clientId: "m2m",
      clientSecret: "m2m-secret",
    });
    const ended = await management.endProviderSession("sid-1");
    const failures: unknown[] = [];
    for (failAt of ["/api/v2/", "/oauth/token"]) {
      const m = createProviderManagement({
        domain: "http://idp.test:4000",
        clientId: "m",
        clientSecret: "s",
      });
      failures.push(await m.endProviderSession("sid-1").catch((e: unknown) => e));
    }
    await expectSeam("managementFetch", () => {
      expect([ended, requested.slice(0, 2)]).toEqual([
        "ended",
        [
          "http://idp.test:4000/oauth/token",
          "http://idp.test:4000/api/v2/sessions/sid-1/revoke",
        ],
      ]);
      for (const failure of failures)
        expect(failure).toBeInstanceOf(ProviderManagementUnavailableError);
    });
  });
});

describe("lib/sdk", () => {
  it("has a contract test for every seam it exports", () => {
    const tests = ["unit/sdk-contract.test.ts", "integration/sdk-contract.int.test.ts"]
      .map((file) => readFileSync(join(__dirname, "..", file), "utf8"))
      .join("\n");
    const untested = Object.keys(seams).filter(
      (seam) => !tests.includes(`expectSeam("${seam}"`),
    );
    expect(untested).toEqual([]);
  });
});
