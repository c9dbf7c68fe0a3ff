import { randomBytes, randomUUID } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import { LoginOvertakenError } from "../../../lib/errors";
import {
  SignJWT,
  createLocalJWKSet,
  type CryptoKey,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";
import {
  backchannelLogoutDeps,
  handleBackchannelLogout,
} from "../../../lib/backchannel-logout/handler";
import {
  backchannelLogoutEvent,
  logoutTokenMaxAgeSeconds,
} from "../../../lib/backchannel-logout/logout-token";
import { clockSkewSeconds } from "../../../lib/time/clock";
import { providerMetadata, type ProviderMetadata } from "../../../lib/provider/metadata";
import { sessionKeysFor } from "../../../lib/session/keys";
import { RedisSessionStore } from "../../../lib/session/store";
import { freePort } from "../../../dev/harness/free-port";
import { makeSession } from "../../../dev/harness/session-fixtures";
import { createTestSigningKeys } from "../../support/test-signing-keys";
import {
  clearPrefix,
  connectTestBackend,
  type TestBackend,
} from "../../support/test-redis";

const issuer = "https://tenant.example.com/";
const otherIssuer = "https://other-tenant.example.com/";
const clientId = "app-client";
const clientSecret = "app-client-secret-that-is-long-enough-for-hs256";
const lifetime = { rolling: true, absoluteDuration: 86400, inactivityDuration: 3600 };
const kid = "test-key";

/** Back-channel logout end to end through the handler, on a single Redis or a cluster. */
export function backchannelLogoutSuite(backend: TestBackend): void {
  let redis: Redis | Cluster;
  let prefix: string;
  let store: RedisSessionStore;
  let privateKey: CryptoKey;
  let unknownKey: CryptoKey;
  let sameKeyForRs512: CryptoKey;
  let jwks: JSONWebKeySet;
  const logged: Array<{ level: string; fields: object }> = [];

  const log = {
    info: (fields: object) => void logged.push({ level: "info", fields }),
    warn: (fields: object) => void logged.push({ level: "warn", fields }),
    error: (fields: object) => void logged.push({ level: "error", fields }),
  };
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    ({ redis, prefix } = connectTestBackend(backend));
    ({ privateKey, jwks, unknownKey, sameKeyForRs512 } =
      await createTestSigningKeys(kid));
  });

  beforeEach(async () => {
    await clearPrefix(redis, prefix);
    logged.length = 0;
    store = new RedisSessionStore({
      redis,
      keys: sessionKeysFor(prefix),
      lifetime,
    });
  });

  afterAll(async () => {
    await clearPrefix(redis, prefix);
    await redis.quit();
  });

  /** The provider as discovery would describe it, with this suite's keys. */
  function testProvider(
    signingKeys: JWTVerifyGetKey = createLocalJWKSet(jwks),
  ): ProviderMetadata {
    return { issuer: async () => issuer, signingKeys };
  }

  function deps(provider = testProvider()) {
    return backchannelLogoutDeps({ store, provider, clientId, log });
  }

  function claims(overrides: JWTPayload = {}): JWTPayload {
    return {
      iss: issuer,
      aud: clientId,
      iat: now(),
      exp: now() + 120,
      jti: randomUUID(),
      sub: "auth0|alice",
      events: { [backchannelLogoutEvent]: {} },
      ...overrides,
    };
  }

  /** Signs `payload` as the provider would; `undefined` values are left out. */
  async function sign(
    payload: JWTPayload,
    options: {
      alg?: string;
      key?: CryptoKey | Uint8Array;
      typ?: string | null;
      kid?: string;
    } = {},
  ): Promise<string> {
    const clean = Object.fromEntries(
      Object.entries(payload).filter(([, v]) => v !== undefined),
    );
    const header: { alg: string; kid?: string; typ?: string } = {
      alg: options.alg ?? "RS256",
      kid: options.kid ?? kid,
    };
    if (options.typ !== null) header.typ = options.typ ?? "logout+jwt";
    return new SignJWT(clean).setProtectedHeader(header).sign(options.key ?? privateKey);
  }

  function post(
    body: string,
    contentType = "application/x-www-form-urlencoded",
  ): Request {
    return new Request("http://app.test/auth/backchannel-logout", {
      method: "POST",
      headers: { "content-type": contentType },
      body,
    });
  }

  async function logout(token: string, provider?: ProviderMetadata) {
    const response = await handleBackchannelLogout(
      post(`logout_token=${encodeURIComponent(token)}`),
      deps(provider),
    );
    return {
      status: response.status,
      body: await response.text(),
      cacheControl: response.headers.get("cache-control"),
    };
  }

  async function login(sub: string, sid: string): Promise<string> {
    const id = randomBytes(16).toString("hex");
    await store.set(id, makeSession({ sub, sid, iat: now() - 10 }));
    return id;
  }

  describe(`back-channel logout semantics (OIDC Back-Channel Logout 1.0 §2.4–2.8) on a ${backend}`, () => {
    it("a token with sid ends only the sessions bound to that sid", async () => {
      const laptop = await login("auth0|alice", "sid-laptop");
      const phone = await login("auth0|alice", "sid-phone");
      const bob = await login("auth0|bob", "sid-bob");
      const response = await logout(await sign(claims({ sid: "sid-laptop" })));
      expect(response).toEqual({ status: 200, body: "", cacheControl: "no-store" });
      expect(await store.get(laptop)).toBeNull();
      expect(await store.get(phone)).not.toBeNull();
      expect(await store.get(bob)).not.toBeNull();
    });

    it("a token with sid and a sub that does not match ends nothing", async () => {
      const laptop = await login("auth0|alice", "sid-laptop");
      const response = await logout(
        await sign(claims({ sid: "sid-laptop", sub: "auth0|mallory" })),
      );
      expect(response.status).toBe(200);
      expect(await store.get(laptop)).not.toBeNull();
    });

    it("a token with sid and no sub ends the sessions of that sid", async () => {
      const laptop = await login("auth0|alice", "sid-laptop");
      expect(
        (await logout(await sign(claims({ sid: "sid-laptop", sub: undefined })))).status,
      ).toBe(200);
      expect(await store.get(laptop)).toBeNull();
    });

    it("a token with sub and no sid ends every session of that user", async () => {
      const laptop = await login("auth0|alice", "sid-laptop");
      const phone = await login("auth0|alice", "sid-phone");
      const bob = await login("auth0|bob", "sid-bob");
      expect((await logout(await sign(claims()))).status).toBe(200);
      expect(await store.get(laptop)).toBeNull();
      expect(await store.get(phone)).toBeNull();
      expect(await store.get(bob)).not.toBeNull();
      expect(logged).toContainEqual({
        level: "info",
        fields: {
          event: "backchannel_logout",
          sub: "auth0|alice",
          bySid: false,
          sessionsEnded: 2,
        },
      });
    });

    it("a token for sessions that no longer exist is a success", async () => {
      expect((await logout(await sign(claims({ sid: "sid-gone" })))).status).toBe(200);
      expect((await logout(await sign(claims({ sub: "auth0|nobody" })))).status).toBe(
        200,
      );
    });

    it("a token from another issuer is refused at the verifier (400) and ends nothing, even signed with the provider's key", async () => {
      const laptop = await login("auth0|alice", "sid-laptop");
      const response = await logout(
        await sign(claims({ iss: otherIssuer, sid: "sid-laptop" })),
      );
      expect(response).toEqual({
        status: 400,
        body: "invalid_request: iss is not valid\n",
        cacheControl: "no-store",
      });
      expect(await store.get(laptop)).not.toBeNull();
    });

    it("accepts a token without exp whose iat is recent, shaped as LemonLDAP::NG sends it, and ends exactly the sessions of its sid", async () => {
      const laptop = await login("auth0|alice", "sid-laptop");
      const phone = await login("auth0|alice", "sid-phone");
      const token = await sign(
        claims({
          exp: undefined,
          iat: now() - logoutTokenMaxAgeSeconds,
          aud: [clientId],
          jti: "Xy7kQ2pL",
          sid: "sid-laptop",
        }),
        { typ: "JWT" },
      );
      expect((await logout(token)).status).toBe(200);
      expect(await store.get(laptop)).toBeNull();
      expect(await store.get(phone)).not.toBeNull();
      const replay = await logout(token);
      expect(replay.status).toBe(400);
      expect(replay.body).toMatch(/already used/);
    });

    it("accepts typ absent, JWT and logout+jwt", async () => {
      for (const typ of [null, "JWT", "logout+jwt"]) {
        expect((await logout(await sign(claims(), { typ }))).status).toBe(200);
      }
    });

    it("never writes the token into a log line", async () => {
      const token = await sign(claims());
      await logout(token);
      await logout(token);
      expect(JSON.stringify(logged)).not.toContain(token.split(".")[2]);
    });
  });

  describe("invalid back-channel requests get 400 and touch no session", () => {
    let sessions: string[];

    beforeEach(async () => {
      sessions = [
        await login("auth0|alice", "sid-laptop"),
        await login("auth0|alice", "sid-phone"),
      ];
    });

    afterEach(async () => {
      for (const id of sessions) expect(await store.get(id)).not.toBeNull();
    });

    const base64url = (value: object) =>
      Buffer.from(JSON.stringify(value)).toString("base64url");

    const invalidTokens: Array<[string, () => Promise<string>]> = [
      [
        "alg: none",
        async () =>
          `${base64url({ alg: "none", typ: "logout+jwt" })}.${base64url(claims())}.`,
      ],
      [
        "a wrong algorithm (RS512)",
        () => sign(claims(), { alg: "RS512", key: sameKeyForRs512 }),
      ],
      [
        "HS256 signed with the client secret",
        () =>
          sign(claims(), { alg: "HS256", key: new TextEncoder().encode(clientSecret) }),
      ],
      ["an unknown key", () => sign(claims(), { key: unknownKey })],
      [
        "an unknown key under the known kid",
        () => sign(claims(), { key: unknownKey, kid }),
      ],
      [
        "a damaged signature",
        async () => {
          const [header, payload, signature] = (await sign(claims())).split(".");
          const flipped = (signature![0] === "A" ? "B" : "A") + signature!.slice(1);
          return `${header}.${payload}.${flipped}`;
        },
      ],
      [
        "a payload changed after signing",
        async () => {
          const [header, , signature] = (await sign(claims())).split(".");
          return `${header}.${base64url(claims({ sub: "auth0|bob" }))}.${signature}`;
        },
      ],
      ["a wrong iss", () => sign(claims({ iss: otherIssuer }))],
      ["a wrong aud", () => sign(claims({ aud: "another-client" }))],
      [
        "a missing exp with an iat older than the window and the clock skew",
        () =>
          sign(
            claims({
              exp: undefined,
              iat: now() - logoutTokenMaxAgeSeconds - clockSkewSeconds - 5,
            }),
          ),
      ],
      ["a past exp", () => sign(claims({ iat: now() - 600, exp: now() - 300 }))],
      ["a missing iat", () => sign(claims({ iat: undefined }))],
      ["a future iat", () => sign(claims({ iat: now() + 300, exp: now() + 600 }))],
      ["a missing jti", () => sign(claims({ jti: undefined }))],
      ["neither sid nor sub", () => sign(claims({ sub: undefined, sid: undefined }))],
      ["a missing events claim", () => sign(claims({ events: undefined }))],
      [
        "events without the back-channel member",
        () => sign(claims({ events: { "http://example.com/other": {} } })),
      ],
      [
        "a back-channel event that is a string",
        () => sign(claims({ events: { [backchannelLogoutEvent]: "yes" } })),
      ],
      [
        "a back-channel event that is an array",
        () => sign(claims({ events: { [backchannelLogoutEvent]: [] } })),
      ],
      [
        "events that is an array",
        () => sign(claims({ events: [backchannelLogoutEvent] })),
      ],
      ["a nonce", () => sign(claims({ nonce: "n-0S6_WzA2Mj" }))],
      ["a typ other than JWT or logout+jwt", () => sign(claims(), { typ: "at+jwt" })],
      [
        "an ID token posted as a logout token",
        () =>
          sign(
            {
              iss: issuer,
              aud: clientId,
              iat: now(),
              exp: now() + 60,
              sub: "auth0|alice",
              sid: "sid-laptop",
              nonce: "abc",
              name: "Alice",
            },
            { typ: "JWT" },
          ),
      ],
    ];

    it.each(invalidTokens)("rejects %s", async (_case, makeToken) => {
      const response = await logout(await makeToken());
      expect(response.status).toBe(400);
      expect(response.cacheControl).toBe("no-store");
      expect(response.body).toMatch(/^invalid_request: .{3,120}\n$/);
    });

    it("rejects a replayed jti, on any instance", async () => {
      const token = await sign(claims({ sid: "sid-gone" }));
      expect((await logout(token)).status).toBe(200);
      const replay = await logout(token);
      expect(replay.status).toBe(400);
      expect(replay.body).toMatch(/already used/);
    });

    it("rejects a request without logout_token", async () => {
      const response = await handleBackchannelLogout(post("token=abc"), deps());
      expect(response.status).toBe(400);
      expect(response.headers.get("cache-control")).toBe("no-store");
    });

    it("rejects a body that is not a form", async () => {
      const token = await sign(claims());
      const response = await handleBackchannelLogout(
        post(JSON.stringify({ logout_token: token }), "application/json"),
        deps(),
      );
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/x-www-form-urlencoded/);
    });

    it("rejects two logout_token parameters", async () => {
      const token = await sign(claims());
      const response = await handleBackchannelLogout(
        post(`logout_token=${token}&logout_token=${token}`),
        deps(),
      );
      expect(response.status).toBe(400);
    });
  });

  describe("when the app cannot judge a token", () => {
    it("answers 503 with Retry-After, not 400, when the provider's keys cannot be loaded", async () => {
      const closedPort = await freePort();
      const id = await login("auth0|alice", "sid-laptop");
      const response = await logout(
        await sign(claims()),
        providerMetadata(`http://127.0.0.1:${closedPort}/`),
      );
      expect(response.status).toBe(503);
      expect(response.cacheControl).toBe("no-store");
      expect(await store.get(id)).not.toBeNull();
    });
  });

  describe("no race leaves a revoked session alive", () => {
    it("token refreshes racing a sid logout token land before it or find the session gone", async () => {
      const id = await login("auth0|alice", "sid-race");
      const session = (await store.get(id))!;
      const token = await sign(claims({ sid: "sid-race" }));
      const results: boolean[] = [];
      let logoutDone = false;
      let afterLogout = 0;
      const refreshes = (async () => {
        while (!logoutDone || afterLogout++ < 3) {
          const refreshed = structuredClone(session);
          refreshed.tokenSet.expiresAt = now() + 3600 + results.length;
          results.push(await store.update(id, refreshed));
        }
      })();
      while (results.length === 0) await new Promise((resolve) => setImmediate(resolve));
      expect((await logout(token)).status).toBe(200);
      logoutDone = true;
      await refreshes;
      // Writes landed before the logout and after it began: the race happened.
      expect(results).toContain(true);
      expect(results).toContain(false);
      expect(await store.get(id)).toBeNull();
      expect(await store.update(id, session)).toBe(false);
    });

    it("a login still being written when a sub token arrives is refused, not kept", async () => {
      // The provider issued this login's tokens before it signed the user out everywhere;
      // the app's callback writes the session only after the logout token was handled.
      const inFlight = makeSession({
        sub: "auth0|alice",
        sid: "sid-in-flight",
        iat: now() - 5,
      });
      expect((await logout(await sign(claims()))).status).toBe(200);
      const id = randomBytes(16).toString("hex");
      await expect(store.set(id, inFlight)).rejects.toEqual(
        expect.any(LoginOvertakenError),
      );
      expect(await store.get(id)).toBeNull();
    });

    it("a login still being written for an ended sid is refused, not kept", async () => {
      const inFlight = makeSession({
        sub: "auth0|alice",
        sid: "sid-in-flight",
        iat: now() - 5,
      });
      expect((await logout(await sign(claims({ sid: "sid-in-flight" })))).status).toBe(
        200,
      );
      const id = randomBytes(16).toString("hex");
      await expect(store.set(id, inFlight)).rejects.toEqual(
        expect.any(LoginOvertakenError),
      );
      expect(await store.get(id)).toBeNull();
    });

    it("a new login after a sub logout is kept", async () => {
      const endedAt = now();
      expect((await logout(await sign(claims()))).status).toBe(200);
      const id = randomBytes(16).toString("hex");
      await store.set(
        id,
        makeSession({ sub: "auth0|alice", sid: "sid-new", iat: endedAt + 1 }),
      );
      expect(await store.get(id)).not.toBeNull();
    });
  });
}
