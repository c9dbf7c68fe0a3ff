/*
 * The local provider's Management API (dev/idp): client_credentials tokens for
 * `<issuer>api/v2/`, GET/DELETE /api/v2/sessions/{sid} and POST …/revoke, and the roles
 * claim of the admin user. The provider runs as the e2e harness runs it; a fake app on
 * 127.0.0.1 receives its back-channel logout tokens.
 */
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  SignJWT,
  calculateJwkThumbprint,
  decodeJwt,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type CryptoKey,
  type JSONWebKeySet,
  type JWTPayload,
} from "jose";
import type { HttpAgent } from "../../dev/harness/http-agent";
import {
  authorizationRequest,
  localAppClient,
  localManagementClient,
  logInWithCode,
  providerTokenRequest,
  startFakeRelyingParty,
  startLocalProvider,
  type FakeRelyingParty,
} from "../support/local-provider";
import type { RunningProcess } from "../support/processes";

const { id: clientId, secret: clientSecret } = localAppClient;
const { id: mgmtClientId, secret: mgmtClientSecret } = localManagementClient;
const rolesClaim = "https://example.com/roles";
const isoDateTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const backchannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";
const users = {
  alice: { username: "alice", password: "alice-password", sub: "auth0|alice" },
  admin: { username: "admin", password: "admin-password", sub: "auth0|admin" },
} as const;

let idp: RunningProcess;
let idpUrl: string;
let issuer: string;
let mgmtAudience: string;
let providerKey: CryptoKey;
let providerKid: string;
let jwks: JSONWebKeySet;
let app: FakeRelyingParty;

/** The provider's key, made here so the tests can sign tokens the provider would accept. */
async function writeProviderKey(file: string): Promise<void> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = await exportJWK(privateKey);
  providerKid = await calculateJwkThumbprint(jwk);
  writeFileSync(
    file,
    JSON.stringify({ ...jwk, kid: providerKid, alg: "RS256", use: "sig" }),
    {
      mode: 0o600,
    },
  );
  providerKey = privateKey;
}

async function managementToken(scope?: string): Promise<string> {
  const response = await providerTokenRequest(idpUrl, {
    grant_type: "client_credentials",
    client_id: mgmtClientId,
    client_secret: mgmtClientSecret,
    audience: mgmtAudience,
    ...(scope ? { scope } : {}),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** A token signed with the provider's own key: `claims` override the Management API's. */
function signedWithProviderKey(claims: JWTPayload): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: issuer,
    sub: mgmtClientId,
    client_id: mgmtClientId,
    aud: mgmtAudience,
    iat: now,
    exp: now + 300,
    scope: "read:sessions delete:sessions",
    ...claims,
  })
    .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: providerKid })
    .sign(providerKey);
}

function sessionsApi(
  sid: string,
  init: { method?: string; token?: string; revoke?: boolean } = {},
): Promise<Response> {
  const url = `${idpUrl}/api/v2/sessions/${encodeURIComponent(sid)}${init.revoke ? "/revoke" : ""}`;
  return fetch(url, {
    method: init.method ?? (init.revoke ? "POST" : "GET"),
    headers: init.token ? { authorization: `Bearer ${init.token}` } : {},
  });
}

/**
 * Goes to /authorize with the agent's cookies: the code, if single sign-on answers at once,
 * or the login page it lands on.
 */
async function authorize(
  agent: HttpAgent,
): Promise<{ code: string } | { loginPage: string }> {
  const { url, isCallback } = authorizationRequest(idpUrl, app.url);
  const result = await agent.follow(url, isCallback);
  if (result.next) return { code: result.next.searchParams.get("code") ?? "" };
  await result.response.arrayBuffer();
  return { loginPage: result.hops[result.hops.length - 1]! };
}

function refresh(refreshToken: string): Promise<Response> {
  return providerTokenRequest(idpUrl, {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: clientId,
    client_secret: clientSecret,
  });
}

async function expectUnauthorized(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
  expect(await response.json()).toMatchObject({ statusCode: 401, error: "Unauthorized" });
}

/** The one logout token the app received, verified as the app's handler verifies it. */
async function receivedLogoutToken(): Promise<JWTPayload> {
  expect(app.logoutTokens).toHaveLength(1);
  const { payload } = await jwtVerify(app.logoutTokens[0]!, createLocalJWKSet(jwks), {
    issuer,
    audience: clientId,
    algorithms: ["RS256"],
    typ: "logout+jwt",
  });
  return payload;
}

beforeAll(async () => {
  app = await startFakeRelyingParty();
  const keyFile = path.join(mkdtempSync(path.join(tmpdir(), "idp-key-")), "key.json");
  await writeProviderKey(keyFile);
  ({ url: idpUrl, process: idp } = await startLocalProvider(
    "idp-management-api",
    app.url,
    keyFile,
  ));
  issuer = `${idpUrl}/`;
  mgmtAudience = `${issuer}api/v2/`;
  jwks = (await (await fetch(`${idpUrl}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
}, 60_000);

afterAll(async () => {
  await idp?.stop();
  await app?.close();
});

beforeEach(() => {
  app.logoutTokens.length = 0;
});

describe("the Management API's client_credentials token", () => {
  it("is an RS256 JWT for <issuer>api/v2/ with read:sessions and delete:sessions when no scope is asked for", async () => {
    const response = await providerTokenRequest(idpUrl, {
      grant_type: "client_credentials",
      client_id: mgmtClientId,
      client_secret: mgmtClientSecret,
      audience: mgmtAudience,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      token_type: "Bearer",
      scope: "read:sessions delete:sessions",
    });
    const { payload, protectedHeader } = await jwtVerify(
      String(body.access_token),
      createLocalJWKSet(jwks),
      { issuer, audience: mgmtAudience },
    );
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload).toMatchObject({
      client_id: mgmtClientId,
      scope: "read:sessions delete:sessions",
    });
  });

  it("carries only the scope asked for", async () => {
    const token = await managementToken("read:sessions");
    expect(decodeJwt(token).scope).toBe("read:sessions");
  });

  it("is refused to the app's client, which has no client_credentials grant", async () => {
    const response = await providerTokenRequest(idpUrl, {
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
      audience: mgmtAudience,
    });
    expect(response.status).toBe(400);
  });

  it("is refused with a wrong client secret", async () => {
    const response = await providerTokenRequest(idpUrl, {
      grant_type: "client_credentials",
      client_id: mgmtClientId,
      client_secret: "wrong-secret",
      audience: mgmtAudience,
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "invalid_client" });
  });
});

describe("/api/v2/sessions/{id} authentication", () => {
  it("answers 401 with a bare Bearer challenge when there is no token", async () => {
    for (const init of [{}, { method: "DELETE" }, { revoke: true }]) {
      const response = await sessionsApi("any-sid", init);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      await expectUnauthorized(response);
    }
  });

  it("answers 401 with error=invalid_token for a malformed, foreign-signed, expired or wrong-audience token", async () => {
    const { privateKey: foreignKey } = await generateKeyPair("RS256");
    const now = Math.floor(Date.now() / 1000);
    const tokens = [
      "not-a-jwt",
      await new SignJWT({ scope: "read:sessions" })
        .setProtectedHeader({ alg: "RS256", typ: "at+jwt", kid: providerKid })
        .setIssuer(issuer)
        .setAudience(mgmtAudience)
        .setExpirationTime("5m")
        .sign(foreignKey),
      await signedWithProviderKey({ iat: now - 600, exp: now - 60 }),
      await signedWithProviderKey({ aud: "urn:invoices-api" }),
    ];
    for (const token of tokens) {
      const response = await sessionsApi("any-sid", { token });
      expect(response.headers.get("www-authenticate")).toMatch(
        /^Bearer error="invalid_token"/,
      );
      await expectUnauthorized(response);
    }
  });

  it("answers 403 insufficient_scope when the token lacks the endpoint's scope", async () => {
    const readOnly = await managementToken("read:sessions");
    const deleteOnly = await managementToken("delete:sessions");
    const refused = [
      await sessionsApi("any-sid", { method: "DELETE", token: readOnly }),
      await sessionsApi("any-sid", { revoke: true, token: readOnly }),
      await sessionsApi("any-sid", { token: deleteOnly }),
    ];
    for (const response of refused) {
      expect(response.status).toBe(403);
      expect(response.headers.get("www-authenticate")).toMatch(
        /^Bearer error="insufficient_scope"/,
      );
      expect(await response.json()).toMatchObject({ errorCode: "insufficient_scope" });
    }
  });

  it("answers 404 for a session id it does not know", async () => {
    const token = await managementToken();
    for (const init of [{}, { method: "DELETE" }, { revoke: true }]) {
      const response = await sessionsApi("no-such-session", { ...init, token });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ statusCode: 404 });
    }
    expect(app.logoutTokens).toHaveLength(0);
  });
});

describe("/api/v2/sessions/{id}", () => {
  it("GET describes the session of an ID token's sid: its user, times and clients", async () => {
    const before = Date.now() - 1000;
    const alice = await logInWithCode(idpUrl, app.url, users.alice);
    const response = await sessionsApi(alice.sid, { token: await managementToken() });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      id: alice.sid,
      user_id: users.alice.sub,
      created_at: expect.stringMatching(isoDateTime) as unknown,
      authenticated_at: expect.stringMatching(isoDateTime) as unknown,
      clients: [{ client_id: clientId }],
    });
    expect(Date.parse(String(body.authenticated_at))).toBeGreaterThanOrEqual(
      Math.floor(before / 1000) * 1000,
    );
  });

  it("DELETE answers 204, ends the session for single sign-on and sends the app a logout token with its sid and sub", async () => {
    const alice = await logInWithCode(idpUrl, app.url, users.alice);
    expect(await authorize(alice.agent)).toHaveProperty("code");

    const token = await managementToken();
    const response = await sessionsApi(alice.sid, { method: "DELETE", token });
    expect(response.status).toBe(204);

    const logoutToken = await receivedLogoutToken();
    expect(logoutToken).toMatchObject({ sid: alice.sid, sub: users.alice.sub });
    expect(logoutToken.events).toEqual({ [backchannelLogoutEvent]: {} });
    expect(logoutToken).not.toHaveProperty("nonce");
    expect(await authorize(alice.agent)).toHaveProperty("loginPage");
    expect((await sessionsApi(alice.sid, { token })).status).toBe(404);
    // Auth0's delete leaves the session's refresh tokens alone; revoke is the one that doesn't.
    expect((await refresh(alice.refreshToken)).status).toBe(200);
  });

  it("POST …/revoke answers 202, ends the session, sends the logout token and revokes the session's refresh tokens", async () => {
    const alice = await logInWithCode(idpUrl, app.url, users.alice);
    const rotated = (await (await refresh(alice.refreshToken)).json()) as {
      refresh_token: string;
    };

    const response = await sessionsApi(alice.sid, {
      revoke: true,
      token: await managementToken(),
    });
    expect(response.status).toBe(202);

    expect(await receivedLogoutToken()).toMatchObject({
      sid: alice.sid,
      sub: users.alice.sub,
    });
    expect(await authorize(alice.agent)).toHaveProperty("loginPage");
    const refused = await refresh(rotated.refresh_token);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("ends only the session it names: another session of the same user keeps single sign-on", async () => {
    const laptop = await logInWithCode(idpUrl, app.url, users.alice);
    const phone = await logInWithCode(idpUrl, app.url, users.alice);
    const response = await sessionsApi(laptop.sid, {
      method: "DELETE",
      token: await managementToken(),
    });
    expect(response.status).toBe(204);
    expect(await authorize(phone.agent)).toHaveProperty("code");
    expect(await authorize(laptop.agent)).toHaveProperty("loginPage");
  });
});

describe("the roles claim", () => {
  it("carries the admin user's roles in the ID token under the namespaced claim", async () => {
    const admin = await logInWithCode(idpUrl, app.url, users.admin);
    expect(decodeJwt(admin.idToken)).toMatchObject({
      sub: users.admin.sub,
      name: "Ada Admin",
      email: "admin@example.com",
      [rolesClaim]: ["admin"],
    });
  });

  it("is absent from the ID token of alice, who has no roles", async () => {
    const alice = await logInWithCode(idpUrl, app.url, users.alice);
    expect(decodeJwt(alice.idToken)).not.toHaveProperty([rolesClaim]);
  });
});
