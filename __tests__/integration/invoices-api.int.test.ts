import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  SignJWT,
  UnsecuredJWT,
  createLocalJWKSet,
  type CryptoKey,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import { ConfigError, loadConfig } from "../../dev/invoices-api/config";
import type { Invoice } from "../../dev/invoices-api/invoices";
import {
  createInvoicesServer,
  type RequestLogEntry,
} from "../../dev/invoices-api/server";
import { providerSigningKeys } from "../../lib/provider/signing-keys";
import { freePort } from "../../dev/harness/free-port";
import { createTestSigningKeys } from "../support/test-signing-keys";

const issuer = "https://tenant.example.com/";
const audience = "urn:invoices-api";
const kid = "invoices-test-key";

let privateKey: CryptoKey;
let otherKey: CryptoKey;
let sameKeyForRs512: CryptoKey;
let jwks: JSONWebKeySet;
let api: RunningApi;

interface RunningApi {
  url: string;
  logs: RequestLogEntry[];
  close: () => Promise<void>;
}

interface InvoicesBody {
  invoices: Invoice[];
  sub: string;
}

async function listen(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function startApi(keys: JWTVerifyGetKey): Promise<RunningApi> {
  const logs: RequestLogEntry[] = [];
  const server = createInvoicesServer({
    issuer,
    audience,
    keys,
    log: (entry) => logs.push(entry),
  });
  const url = await listen(server, await freePort());
  return { url, logs, close: () => closeServer(server) };
}

const now = () => Math.floor(Date.now() / 1000);

/** An access token as Auth0 issues it for the API; `claims` override or add claims. */
function accessToken(
  claims: JWTPayload = {},
  options: { key?: CryptoKey | Uint8Array; alg?: string; kid?: string } = {},
): Promise<string> {
  return new SignJWT({
    iss: issuer,
    sub: "auth0|alice",
    aud: [audience, `${issuer}userinfo`],
    iat: now(),
    exp: now() + 300,
    scope: "openid offline_access read:invoices",
    ...claims,
  })
    .setProtectedHeader({
      alg: options.alg ?? "RS256",
      kid: options.kid ?? kid,
      typ: "at+jwt",
    })
    .sign(options.key ?? privateKey);
}

function getInvoices(
  authorization?: string,
  init: RequestInit = {},
  base = api.url,
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (authorization !== undefined) headers.set("authorization", authorization);
  return fetch(`${base}/invoices`, { ...init, headers });
}

async function expectInvalidToken(response: Response, description: string) {
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toBe(
    `Bearer realm="invoices", error="invalid_token", error_description="${description}"`,
  );
  expect(await response.json()).toEqual({ error: "invalid_token" });
}

beforeAll(async () => {
  ({
    privateKey,
    jwks,
    unknownKey: otherKey,
    sameKeyForRs512,
  } = await createTestSigningKeys(kid));
  api = await startApi(createLocalJWKSet(jwks));
});

afterAll(async () => {
  await api.close();
});

describe("GET /invoices with a valid access token", () => {
  it("returns three invoices that all belong to the token's sub, not cacheable", async () => {
    const response = await getInvoices(`Bearer ${await accessToken()}`);

    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await response.json()) as InvoicesBody;
    expect(body.sub).toBe("auth0|alice");
    expect(body.invoices).toHaveLength(3);
    for (const invoice of body.invoices) {
      expect(invoice).toEqual({
        id: expect.stringMatching(/^inv_[0-9a-f]{16}$/) as unknown,
        number: expect.stringMatching(/^INV-\d{4}-\d{4}$/) as unknown,
        customer: "auth0|alice",
        amountCents: expect.any(Number) as unknown,
        currency: "EUR",
        issuedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
        status: expect.stringMatching(/^(paid|open|overdue)$/) as unknown,
      });
      expect(Number.isInteger(invoice.amountCents)).toBe(true);
      expect(invoice.amountCents).toBeGreaterThan(0);
    }
  });

  it("gives two users different invoices, and each user the same ones every time", async () => {
    const alice = `Bearer ${await accessToken({ sub: "auth0|alice" })}`;
    const bob = `Bearer ${await accessToken({ sub: "auth0|bob" })}`;

    const aliceFirst = (await (await getInvoices(alice)).json()) as InvoicesBody;
    const bobs = (await (await getInvoices(bob)).json()) as InvoicesBody;
    const aliceAgain = (await (await getInvoices(alice)).json()) as InvoicesBody;

    expect(bobs.sub).toBe("auth0|bob");
    expect(bobs.invoices.every((invoice) => invoice.customer === "auth0|bob")).toBe(true);
    const aliceIds = aliceFirst.invoices.map((invoice) => invoice.id);
    const bobIds = bobs.invoices.map((invoice) => invoice.id);
    expect(bobIds.filter((id) => aliceIds.includes(id))).toEqual([]);
    expect(bobs.invoices.map((invoice) => invoice.amountCents)).not.toEqual(
      aliceFirst.invoices.map((invoice) => invoice.amountCents),
    );
    expect(aliceAgain).toEqual(aliceFirst);
  });

  it("accepts read:invoices from Auth0's permissions claim when scope lacks it", async () => {
    const token = await accessToken({
      scope: "openid",
      permissions: ["read:invoices"],
    });

    const response = await getInvoices(`Bearer ${token}`);

    expect(response.status).toBe(200);
    expect(((await response.json()) as InvoicesBody).sub).toBe("auth0|alice");
  });

  it("accepts a token whose only audience is the API, with a lower-case scheme", async () => {
    const response = await getInvoices(`bearer ${await accessToken({ aud: audience })}`);

    expect(response.status).toBe(200);
  });

  it("accepts a token that expired less than the 5 s clock tolerance ago", async () => {
    const token = await accessToken({ iat: now() - 60, exp: now() - 2 });

    expect((await getInvoices(`Bearer ${token}`)).status).toBe(200);
  });
});

describe("GET /invoices with an unacceptable access token", () => {
  it("answers 401 invalid_token to an expired token", async () => {
    const token = await accessToken({ iat: now() - 120, exp: now() - 30 });

    await expectInvalidToken(
      await getInvoices(`Bearer ${token}`),
      "the access token expired",
    );
  });

  it("answers 401 invalid_token to a token without exp", async () => {
    const token = await accessToken({ exp: undefined });

    await expectInvalidToken(await getInvoices(`Bearer ${token}`), "missing exp claim");
  });

  it("answers 401 invalid_token to a token for another audience", async () => {
    const token = await accessToken({ aud: ["urn:other-api", `${issuer}userinfo`] });

    await expectInvalidToken(
      await getInvoices(`Bearer ${token}`),
      "the access token is not for this API (aud)",
    );
  });

  it("answers 401 invalid_token to a token from another issuer, even one without the trailing slash", async () => {
    for (const iss of [
      "https://other-tenant.example.com/",
      "https://tenant.example.com",
    ]) {
      const token = await accessToken({ iss });

      await expectInvalidToken(
        await getInvoices(`Bearer ${token}`),
        "the access token is from another issuer (iss)",
      );
    }
  });

  it("answers 401 invalid_token to a token signed by another key with the trusted kid", async () => {
    const token = await accessToken({}, { key: otherKey });

    await expectInvalidToken(await getInvoices(`Bearer ${token}`), "invalid signature");
  });

  it("answers 401 invalid_token to a token signed with an unknown kid", async () => {
    const token = await accessToken({}, { key: otherKey, kid: "someone-elses-key" });

    await expectInvalidToken(await getInvoices(`Bearer ${token}`), "unknown signing key");
  });

  it("answers 401 invalid_token to an HS256 token", async () => {
    const secret = new TextEncoder().encode(
      "a-shared-secret-that-is-long-enough-for-hs256",
    );
    const token = await accessToken({}, { alg: "HS256", key: secret });

    await expectInvalidToken(
      await getInvoices(`Bearer ${token}`),
      "signing algorithm not allowed",
    );
  });

  it("answers 401 invalid_token to the trusted key used with RS512", async () => {
    const token = await accessToken({}, { alg: "RS512", key: sameKeyForRs512 });

    await expectInvalidToken(
      await getInvoices(`Bearer ${token}`),
      "signing algorithm not allowed",
    );
  });

  it("answers 401 invalid_token to an unsigned (alg none) token", async () => {
    const token = new UnsecuredJWT({ scope: "read:invoices" })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject("auth0|alice")
      .setExpirationTime("5m")
      .encode();

    await expectInvalidToken(
      await getInvoices(`Bearer ${token}`),
      "signing algorithm not allowed",
    );
  });

  it("answers 401 invalid_token to a Bearer header without a well-formed token", async () => {
    for (const authorization of ["Bearer", "Bearer a b", 'Bearer "quoted"']) {
      await expectInvalidToken(
        await getInvoices(authorization),
        "malformed Authorization header",
      );
    }
    await expectInvalidToken(
      await getInvoices("Bearer not-a-jwt"),
      "malformed access token",
    );
  });
});

describe("GET /invoices without credentials or permission", () => {
  it("answers 401 with a bare Bearer challenge when there is no Authorization header", async () => {
    const response = await getInvoices();

    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="invoices"');
    expect(await response.json()).toEqual({ error: "unauthorized" });
  });

  it("treats credentials of another scheme like no credentials", async () => {
    const response = await getInvoices("Basic YWxpY2U6YWxpY2UtcGFzc3dvcmQ=");

    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="invoices"');
    expect(await response.json()).toEqual({ error: "unauthorized" });
  });

  it("answers 403 insufficient_scope to a valid token without read:invoices", async () => {
    const token = await accessToken({
      scope: "openid offline_access write:invoices",
      permissions: ["write:invoices"],
    });

    const response = await getInvoices(`Bearer ${token}`);

    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBe(
      'Bearer realm="invoices", error="insufficient_scope", scope="read:invoices"',
    );
    expect(await response.json()).toEqual({ error: "insufficient_scope" });
  });

  it("does not take a scope that only starts with read:invoices for read:invoices", async () => {
    const token = await accessToken({ scope: "read:invoices-archive" });

    expect((await getInvoices(`Bearer ${token}`)).status).toBe(403);
  });
});

describe("other requests", () => {
  it("answers 405 with Allow: GET to POST /invoices, even with a valid token", async () => {
    const response = await getInvoices(`Bearer ${await accessToken()}`, {
      method: "POST",
      body: "{}",
    });

    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET");
  });

  it("answers /healthz with ok and unknown paths with a JSON 404", async () => {
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });

    const missing = await fetch(`${api.url}/invoices/123`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "not_found" });
  });
});

describe("when the issuer's keys cannot be fetched", () => {
  it("answers 503 temporarily_unavailable, and recovers once the issuer is up (failure not cached)", async () => {
    const port = await freePort();
    const downIssuer = `http://127.0.0.1:${port}/`;
    // Tokens are still checked against `issuer`; only the keys come from this address.
    const downApi = await startApi(providerSigningKeys(downIssuer));
    try {
      const token = await accessToken();

      const down = await getInvoices(`Bearer ${token}`, {}, downApi.url);

      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ error: "temporarily_unavailable" });
      expect(downApi.logs.at(-1)).toMatchObject({ status: 503 });

      // Now a provider with this test's keys comes up at that address.
      const provider = createServer((req, res) => {
        res.setHeader("content-type", "application/json");
        if (req.url === "/.well-known/openid-configuration") {
          res.end(JSON.stringify({ issuer: downIssuer, jwks_uri: `${downIssuer}jwks` }));
        } else if (req.url === "/jwks") {
          res.end(JSON.stringify(jwks));
        } else {
          res.statusCode = 404;
          res.end("{}");
        }
      });
      await listen(provider, port);
      try {
        const up = await getInvoices(`Bearer ${token}`, {}, downApi.url);
        expect(up.status).toBe(200);
      } finally {
        await closeServer(provider);
      }
    } finally {
      await downApi.close();
    }
  });
});

describe("GET /stats and the request log", () => {
  it("counts /invoices requests per outcome", async () => {
    const fresh = await startApi(createLocalJWKSet(jwks));
    try {
      const valid = `Bearer ${await accessToken()}`;
      await getInvoices(valid, {}, fresh.url);
      await getInvoices(valid, {}, fresh.url);
      await getInvoices(undefined, {}, fresh.url);
      await getInvoices(
        `Bearer ${await accessToken({ scope: "openid" })}`,
        {},
        fresh.url,
      );

      const stats = await fetch(`${fresh.url}/stats`);

      expect(await stats.json()).toEqual({
        requests: { ok: 2, unauthorized: 1, forbidden: 1 },
      });
    } finally {
      await fresh.close();
    }
  });

  it("logs method, path, status and sub, never the token or the query", async () => {
    const token = await accessToken({ sub: "auth0|bob" });
    api.logs.length = 0;

    await fetch(`${api.url}/invoices?access_token=${token}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await getInvoices(`Bearer ${token}x`);

    expect(api.logs).toEqual([
      expect.objectContaining({
        method: "GET",
        path: "/invoices",
        status: 200,
        sub: "auth0|bob",
      }),
      expect.objectContaining({ method: "GET", path: "/invoices", status: 401 }),
    ]);
    const signature = token.split(".")[2] ?? "";
    expect(JSON.stringify(api.logs)).not.toContain(signature.slice(0, 20));
    expect(JSON.stringify(api.logs)).not.toContain(token.split(".")[1]);
  });
});

describe("configuration", () => {
  it("derives the issuer from AUTH0_DOMAIN as the app does, with defaults for the rest", () => {
    expect(loadConfig({ AUTH0_DOMAIN: "my-tenant.eu.auth0.com" })).toEqual({
      port: 5000,
      host: undefined,
      issuer: "https://my-tenant.eu.auth0.com/",
      audience: "urn:invoices-api",
    });
    expect(
      loadConfig({
        AUTH0_DOMAIN: "http://localhost:4000",
        AUTH0_AUDIENCE: "https://api.example.com/invoices",
        INVOICES_API_PORT: "5300",
        INVOICES_API_HOST: "127.0.0.1",
      }),
    ).toEqual({
      port: 5300,
      host: "127.0.0.1",
      issuer: "http://localhost:4000/",
      audience: "https://api.example.com/invoices",
    });
  });

  it.each([
    [{}, "AUTH0_DOMAIN"],
    [{ AUTH0_DOMAIN: "https://my-tenant.eu.auth0.com/api" }, "AUTH0_DOMAIN"],
    [{ AUTH0_DOMAIN: "ftp://my-tenant.eu.auth0.com" }, "AUTH0_DOMAIN"],
    [{ AUTH0_DOMAIN: "localhost:4000", INVOICES_API_PORT: "0" }, "INVOICES_API_PORT"],
    [{ AUTH0_DOMAIN: "localhost:4000", INVOICES_API_PORT: "5e3" }, "INVOICES_API_PORT"],
    [{ AUTH0_DOMAIN: "localhost:4000", AUTH0_AUDIENCE: "urn:a b" }, "AUTH0_AUDIENCE"],
  ])("refuses %j naming %s", (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`\\n  - ${name} `));
  });
});
