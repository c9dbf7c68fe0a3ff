/*
 * The provider's issuer and signing keys as the app learns them (lib/provider/metadata.ts,
 * key-set.ts), judged through the back-channel logout handler with a real session store.
 * The provider is a real HTTP server made here: it serves a discovery document and a key
 * set, counts the requests it gets, and rotates its key when told to.
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { Redis } from "ioredis";
import {
  SignJWT,
  exportJWK,
  generateKeyPair,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from "jose";
import {
  backchannelLogoutDeps,
  handleBackchannelLogout,
} from "../../lib/backchannel-logout/handler";
import {
  backchannelLogoutEvent,
  logoutTokenMaxAgeSeconds,
} from "../../lib/backchannel-logout/logout-token";
import { clockSkewSeconds } from "../../lib/time/clock";
import { keySetMaxAgeMs, keySetReloadCooldownMs } from "../../lib/provider/key-set";
import { providerMetadata, type ProviderMetadata } from "../../lib/provider/metadata";
import { sessionKeysFor } from "../../lib/session/keys";
import { RedisSessionStore } from "../../lib/session/store";
import { makeSession } from "../../dev/harness/session-fixtures";
import { closeServer, listenOnLoopback } from "../support/local-provider";
import { clearPrefix, connectTestRedis } from "../support/test-redis";

const clientId = "app-client";
const lifetime = { rolling: true, absoluteDuration: 86400, inactivityDuration: 3600 };
const nowSeconds = () => Math.floor(Date.now() / 1000);

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const kid = randomBytes(8).toString("hex");
  return {
    kid,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" },
  };
}

/** A provider over real HTTP: discovery and key set, with its requests counted. */
interface TestProvider {
  /** The base URL the app derives from AUTH0_DOMAIN (with the trailing slash). */
  baseUrl: string;
  /** The `issuer` its discovery document gives. */
  issuer: string;
  /** When (on `clock`) each key set request arrived. */
  keySetRequests: number[];
  discoveryRequests: number;
  /** What the discovery endpoint does next: answer, fail with a 500, or never answer. */
  discoveryMode: "ok" | "fail" | "stall";
  /** Starts signing with a new key, published from now on beside the old ones. */
  rotate(): Promise<void>;
  /** Stops publishing every key but the current one. */
  withdrawOldKeys(): void;
  /** A logout token as LemonLDAP::NG 2.21 sends one: no exp, aud an array, 8-char jti. */
  logoutToken(claims?: JWTPayload, options?: { kid?: string }): Promise<string>;
  close(): Promise<void>;
}

async function startTestProvider(
  options: {
    /** The discovery `issuer` for the provider's origin. @default the origin, no slash */
    issuerFor?: (origin: string) => string;
    /** Milliseconds, the clock the key set runs on. @default Date.now */
    clock?: () => number;
  } = {},
): Promise<TestProvider> {
  const clock = options.clock ?? Date.now;
  let current = await newSigningKey();
  let published: SigningKey[] = [current];
  const server: Server = createServer((req, res) => {
    if (req.url === "/.well-known/openid-configuration") {
      provider.discoveryRequests += 1;
      if (provider.discoveryMode === "stall") return;
      if (provider.discoveryMode === "fail") {
        res.statusCode = 500;
        res.end();
        return;
      }
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ issuer: provider.issuer, jwks_uri: `${origin}/jwks` }));
    } else if (req.url === "/jwks") {
      provider.keySetRequests.push(clock());
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: published.map((key) => key.publicJwk) }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  const origin = await listenOnLoopback(server);
  const provider: TestProvider = {
    baseUrl: `${origin}/`,
    issuer: (options.issuerFor ?? ((o) => o))(origin),
    keySetRequests: [],
    discoveryRequests: 0,
    discoveryMode: "ok",
    async rotate() {
      current = await newSigningKey();
      published = [...published, current];
    },
    withdrawOldKeys() {
      published = [current];
    },
    logoutToken(claims = {}, tokenOptions = {}) {
      const iat = nowSeconds();
      return new SignJWT({
        events: { [backchannelLogoutEvent]: {} },
        sub: "alice",
        sid: "sid-laptop",
        jti: randomBytes(6).toString("base64url"),
        iat,
        iss: provider.issuer,
        aud: [clientId],
        ...claims,
      })
        .setProtectedHeader({
          typ: "JWT",
          alg: "RS256",
          kid: tokenOptions.kid ?? current.kid,
        })
        .sign(current.privateKey);
    },
    close: () => closeServer(server),
  };
  return provider;
}

let redis: Redis;
let prefix: string;
const running: TestProvider[] = [];
const logged: Array<{ level: string; fields: object }> = [];
const log = {
  info: (fields: object) => void logged.push({ level: "info", fields }),
  warn: (fields: object) => void logged.push({ level: "warn", fields }),
  error: (fields: object) => void logged.push({ level: "error", fields }),
};

beforeAll(() => {
  ({ redis, prefix } = connectTestRedis());
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((provider) => provider.close()));
  await clearPrefix(redis, prefix);
  logged.length = 0;
});

afterAll(async () => {
  await redis.quit();
});

async function provided(
  options: Parameters<typeof startTestProvider>[0] = {},
): Promise<TestProvider> {
  const provider = await startTestProvider(options);
  running.push(provider);
  return provider;
}

/** The app's store, as lib/session/index.ts makes it. */
function appStore(): RedisSessionStore {
  return new RedisSessionStore({
    redis,
    keys: sessionKeysFor(prefix),
    lifetime,
  });
}

/** The back-channel logout endpoint of an app configured for `provider`. */
function appFor(provider: TestProvider, metadata: ProviderMetadata) {
  const deps = backchannelLogoutDeps({
    store: appStore(),
    provider: metadata,
    clientId,
    log,
  });
  return async (token: string) => {
    const response = await handleBackchannelLogout(
      new Request("http://app.test/auth/backchannel-logout", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `logout_token=${encodeURIComponent(token)}`,
      }),
      deps,
    );
    return {
      status: response.status,
      body: await response.text(),
      retryAfter: response.headers.get("retry-after"),
    };
  };
}

async function login(provider: TestProvider, sub: string, sid: string): Promise<string> {
  const id = randomBytes(16).toString("hex");
  await appStore().set(id, makeSession({ sub, sid, iat: nowSeconds() - 10 }));
  return id;
}

const unknownKid = () => randomBytes(8).toString("hex");

describe("the issuer comes from the provider's discovery document", () => {
  it("accepts the logout tokens of a provider whose discovery issuer has no trailing slash", async () => {
    const provider = await provided({ issuerFor: (origin) => origin });
    expect(provider.issuer).not.toMatch(/\/$/);
    const logout = appFor(provider, providerMetadata(provider.baseUrl));
    const laptop = await login(provider, "alice", "sid-laptop");
    const phone = await login(provider, "alice", "sid-phone");

    expect(await logout(await provider.logoutToken())).toEqual({
      status: 200,
      body: "",
      retryAfter: null,
    });
    expect(await appStore().get(laptop)).toBeNull();
    expect(await appStore().get(phone)).not.toBeNull();
  });

  it("refuses a token whose iss has the trailing slash when the discovery issuer has none", async () => {
    const provider = await provided({ issuerFor: (origin) => origin });
    const logout = appFor(provider, providerMetadata(provider.baseUrl));
    const laptop = await login(provider, "alice", "sid-laptop");

    const response = await logout(await provider.logoutToken({ iss: provider.baseUrl }));

    expect(response.status).toBe(400);
    expect(response.body).toBe("invalid_request: iss is not valid\n");
    expect(await appStore().get(laptop)).not.toBeNull();
  });

  it("refuses a token without the trailing slash when the discovery issuer has it (Auth0's form)", async () => {
    const provider = await provided({ issuerFor: (origin) => `${origin}/` });
    const logout = appFor(provider, providerMetadata(provider.baseUrl));

    const noSlash = await logout(
      await provider.logoutToken({ iss: provider.baseUrl.slice(0, -1) }),
    );
    const exact = await logout(await provider.logoutToken());

    expect(noSlash.status).toBe(400);
    expect(exact.status).toBe(200);
  });

  it("loads the discovery document once for many tokens, one load in flight", async () => {
    const provider = await provided();
    const logout = appFor(provider, providerMetadata(provider.baseUrl));

    const answers = await Promise.all(
      Array.from(
        { length: 20 },
        async () => (await logout(await provider.logoutToken())).status,
      ),
    );
    await logout(await provider.logoutToken());

    expect(answers).toEqual(Array(20).fill(200));
    expect(provider.discoveryRequests).toBe(1);
    expect(provider.keySetRequests).toHaveLength(1);
  });

  it("answers 503 while discovery fails, and does not remember the failure", async () => {
    const provider = await provided();
    const logout = appFor(provider, providerMetadata(provider.baseUrl));
    provider.discoveryMode = "fail";

    const down = await logout(await provider.logoutToken());
    provider.discoveryMode = "ok";
    const up = await logout(await provider.logoutToken());

    expect(down).toMatchObject({ status: 503, retryAfter: "5" });
    expect(logged).toContainEqual({
      level: "error",
      fields: {
        event: "backchannel_logout_unavailable",
        detail: expect.stringContaining("answered 500") as unknown,
      },
    });
    expect(up.status).toBe(200);
    expect(provider.discoveryRequests).toBe(2);
  });

  it("gives up on a discovery request that never answers after its timeout", async () => {
    const provider = await provided();
    provider.discoveryMode = "stall";
    const timeoutMs = 300;
    const logout = appFor(provider, providerMetadata(provider.baseUrl, { timeoutMs }));

    const startedAt = performance.now();
    const response = await logout(await provider.logoutToken());
    const elapsedMs = performance.now() - startedAt;

    expect(response.status).toBe(503);
    expect(elapsedMs).toBeGreaterThanOrEqual(timeoutMs - 10);
    expect(elapsedMs).toBeLessThan(timeoutMs + 1_000);
  });

  it("answers 503 to every token when the discovery issuer is not a URL", async () => {
    const provider = await provided({ issuerFor: () => "tenant" });
    const logout = appFor(provider, providerMetadata(provider.baseUrl));

    const response = await logout(await provider.logoutToken({ iss: "tenant" }));

    expect(response.status).toBe(503);
    expect(logged).toContainEqual({
      level: "error",
      fields: {
        event: "backchannel_logout_unavailable",
        detail: expect.stringContaining("no valid issuer") as unknown,
      },
    });
  });
});

describe("logout tokens without exp", () => {
  it("remembers the jti of a token without exp for as long as the token could be accepted", async () => {
    const provider = await provided();
    const logout = appFor(provider, providerMetadata(provider.baseUrl));
    await login(provider, "alice", "sid-laptop");
    const jti = "a1B2c3D4";
    const iat = nowSeconds();
    const token = await provider.logoutToken({ jti, iat });

    expect((await logout(token)).status).toBe(200);
    const keys = sessionKeysFor(prefix);
    const ttl = await redis.ttl(keys.userLogoutJti(keys.userTag("alice"), jti));
    const acceptedFor = iat + logoutTokenMaxAgeSeconds + clockSkewSeconds - nowSeconds();
    expect(ttl).toBeGreaterThanOrEqual(acceptedFor - 1);
    expect(ttl).toBeLessThanOrEqual(acceptedFor);

    const replay = await logout(token);
    expect(replay).toMatchObject({
      status: 400,
      body: expect.stringMatching(/already used/) as unknown,
    });
  });
});

describe("key rotation", () => {
  it("accepts a token signed with a new key within 10 s of the rotation, after a 503 with Retry-After inside the cooldown", async () => {
    // The real clock and the real cooldown: the bound the provider sees.
    const provider = await provided();
    const logout = appFor(provider, providerMetadata(provider.baseUrl));
    expect((await logout(await provider.logoutToken({ sid: "sid-0" }))).status).toBe(200);

    await provider.rotate();
    const rotatedAt = performance.now();
    const token = await provider.logoutToken();
    // As a provider does: send, and on a 503 wait what Retry-After says and send again.
    const answers: Array<{ status: number; retryAfter: string | null }> = [];
    for (;;) {
      const { status, retryAfter } = await logout(token);
      answers.push({ status, retryAfter });
      if (status !== 503) break;
      await new Promise((resolve) => setTimeout(resolve, Number(retryAfter) * 1000));
    }
    const acceptedAfterMs = performance.now() - rotatedAt;

    expect(answers[0]!.status).toBe(503);
    const retryAfter = Number(answers[0]!.retryAfter);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(keySetReloadCooldownMs / 1000);
    expect(answers.at(-1)!.status).toBe(200);
    expect(answers).toHaveLength(2);
    expect(acceptedAfterMs).toBeLessThanOrEqual(10_000);
    expect(provider.keySetRequests).toHaveLength(2);
  }, 20_000);

  it("loads the key set at once for an unknown key once the cooldown is over, and then calls it no match (400)", async () => {
    let clock = 1_000_000;
    const provider = await provided({ clock: () => clock });
    const logout = appFor(
      provider,
      providerMetadata(provider.baseUrl, { now: () => clock }),
    );
    expect((await logout(await provider.logoutToken({ sid: "sid-0" }))).status).toBe(200);

    clock += keySetReloadCooldownMs;
    await provider.rotate();
    expect((await logout(await provider.logoutToken())).status).toBe(200);

    clock += keySetReloadCooldownMs;
    const forged = await logout(await provider.logoutToken({}, { kid: unknownKid() }));
    expect(forged).toMatchObject({
      status: 400,
      body: "invalid_request: no provider key matches the token\n",
    });
    expect(provider.keySetRequests).toEqual([
      1_000_000,
      1_000_000 + keySetReloadCooldownMs,
      1_000_000 + 2 * keySetReloadCooldownMs,
    ]);
  });

  it("costs the provider at most one key set load per cooldown under a flood of 50 tokens with unknown kids", async () => {
    let clock = 1_000_000;
    const provider = await provided({ clock: () => clock });
    const logout = appFor(
      provider,
      providerMetadata(provider.baseUrl, { now: () => clock }),
    );
    expect((await logout(await provider.logoutToken({ sid: "sid-0" }))).status).toBe(200);
    const startedAt = clock;

    // One token every 0.5 s for 25 s, each answered before the next.
    const answers: Array<{ at: number; status: number; retryAfter: string | null }> = [];
    for (let i = 0; i < 50; i++) {
      clock += 500;
      const { status, retryAfter } = await logout(
        await provider.logoutToken({}, { kid: unknownKid() }),
      );
      answers.push({ at: clock, status, retryAfter });
    }

    const loads = provider.keySetRequests;
    const gaps = loads.slice(1).map((at, i) => at - loads[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(keySetReloadCooldownMs);
    expect(loads.length).toBeLessThanOrEqual(
      1 + Math.floor((clock - startedAt) / keySetReloadCooldownMs),
    );
    // A 503 only inside a cooldown, and its Retry-After reaches the cooldown's end.
    for (const answer of answers) {
      const lastLoad = loads.filter((at) => at <= answer.at).at(-1)!;
      if (answer.status === 503) {
        expect(answer.at).toBeLessThan(lastLoad + keySetReloadCooldownMs);
        expect(answer.at + Number(answer.retryAfter) * 1000).toBeGreaterThanOrEqual(
          lastLoad + keySetReloadCooldownMs,
        );
      } else {
        expect(answer.status).toBe(400);
        expect(lastLoad).toBe(answer.at);
      }
    }
    expect(answers.filter((answer) => answer.status === 400)).toHaveLength(
      loads.length - 1,
    );
  });

  it("loads the key set once for 50 tokens with unknown kids arriving together", async () => {
    let clock = 1_000_000;
    const provider = await provided({ clock: () => clock });
    const logout = appFor(
      provider,
      providerMetadata(provider.baseUrl, { now: () => clock }),
    );
    expect((await logout(await provider.logoutToken({ sid: "sid-0" }))).status).toBe(200);
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () => provider.logoutToken({}, { kid: unknownKid() })),
    );

    // A moment after that load: it says nothing of keys first used since.
    clock += 100;
    const inCooldown = await Promise.all(tokens.map((token) => logout(token)));
    clock += keySetReloadCooldownMs;
    const afterCooldown = await Promise.all(tokens.map((token) => logout(token)));

    expect(
      new Set(inCooldown.map(({ status, retryAfter }) => `${status} ${retryAfter}`)),
    ).toEqual(new Set([`503 ${keySetReloadCooldownMs / 1000}`]));
    // All arrived at the instant the one load began: its answer is final for each.
    expect(new Set(afterCooldown.map(({ status }) => status))).toEqual(new Set([400]));
    expect(provider.keySetRequests).toHaveLength(2);
  });

  it("stops accepting a withdrawn key once the key set is older than its maximum age", async () => {
    let clock = 1_000_000;
    const provider = await provided({ clock: () => clock });
    const logout = appFor(
      provider,
      providerMetadata(provider.baseUrl, { now: () => clock }),
    );
    const [first, second, third] = await Promise.all(
      ["sid-1", "sid-2", "sid-3"].map((sid) => provider.logoutToken({ sid })),
    );
    expect((await logout(first!)).status).toBe(200);
    await provider.rotate();
    provider.withdrawOldKeys();

    clock += keySetMaxAgeMs - 1;
    const beforeMaxAge = await logout(second!);
    clock += 1;
    const atMaxAge = await logout(third!);

    expect(beforeMaxAge.status).toBe(200);
    expect(atMaxAge).toMatchObject({
      status: 400,
      body: "invalid_request: no provider key matches the token\n",
    });
    expect(provider.keySetRequests).toEqual([1_000_000, 1_000_000 + keySetMaxAgeMs]);
  });
});
