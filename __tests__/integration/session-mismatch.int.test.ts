/*
 * The store keeps a session only when its parts belong to one user and one sign-in: its
 * `user.sub`, `internal.sid` and access tokens against its ID token (RedisSessionStore.set,
 * lib/session/session-consistency.ts). On a real Redis, so "nothing was written" is seen
 * in Redis itself.
 */
import { randomBytes } from "node:crypto";
import type { SessionData } from "@auth0/nextjs-auth0/types";
import type { Redis } from "ioredis";
import { SessionMismatchError } from "../../lib/errors";
import { sessionKeysFor } from "../../lib/session/keys";
import { RedisSessionStore } from "../../lib/session/store";
import { makeSession } from "../../dev/harness/session-fixtures";
import { clearPrefix, connectTestRedis, keysUnder } from "../support/test-redis";

const lifetime = { rolling: true, absoluteDuration: 86400, inactivityDuration: 3600 };
const alice = "auth0|alice";
const bob = "auth0|bob";

/** A JWT as a provider issues it; the store only decodes it, so the signature is a stand-in. */
function jwt(claims: Record<string, unknown>): string {
  const encode = (value: object) =>
    Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "RS256", typ: "at+jwt" })}.${encode(claims)}.c2ln`;
}

/** A session as the SDK builds it from one sign-in of `sub` with provider session `sid`. */
function signInOf(sub: string, sid: string): SessionData {
  return makeSession({
    sub,
    sid,
    accessToken: jwt({ sub, aud: "urn:invoices-api", scope: "read:invoices" }),
  });
}

/**
 * Bob's sign-in merged into alice's session, as the SDK's popup flow leaves it: bob's ID
 * token and profile, bob's access token added per audience, alice's sid and first
 * access token kept.
 */
function bobMergedIntoAlice(): SessionData {
  const aliceSession = signInOf(alice, "sid-alice");
  const bobSession = signInOf(bob, "sid-bob");
  return {
    ...aliceSession,
    user: { ...aliceSession.user, ...bobSession.user },
    tokenSet: { ...aliceSession.tokenSet, idToken: bobSession.tokenSet.idToken },
    accessTokens: [
      {
        accessToken: bobSession.tokenSet.accessToken,
        audience: "urn:invoices-api",
        expiresAt: bobSession.tokenSet.expiresAt,
      },
    ],
  };
}

let redis: Redis;
let prefix: string;
let store: RedisSessionStore;
const newId = () => randomBytes(16).toString("hex");

beforeAll(() => {
  ({ redis, prefix } = connectTestRedis());
});

beforeEach(async () => {
  await clearPrefix(redis, prefix);
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

/** What `store.set` threw, which must be a SessionMismatchError. */
async function refusal(session: SessionData): Promise<SessionMismatchError> {
  const error: unknown = await store.set(newId(), session).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof SessionMismatchError)) {
    throw new Error(`expected a SessionMismatchError, got ${String(error)}`);
  }
  return error;
}

describe("RedisSessionStore.set refuses a session that mixes two users or sign-ins", () => {
  it("keeps a session whose sid, sub and access token agree with its ID token", async () => {
    const id = newId();
    await store.set(id, signInOf(alice, "sid-alice"));
    expect((await store.get(id))?.user.sub).toBe(alice);
    expect(await store.listSessionsOfUser(alice)).toHaveLength(1);
  });

  it("refuses bob's sign-in merged into alice's session, and writes nothing to Redis", async () => {
    const error = await refusal(bobMergedIntoAlice());
    expect(error.code).toBe("session_mismatch");
    expect(error.mismatch).toBe("sid");
    expect(error.subs).toEqual([bob]);
    expect(await keysUnder(redis, prefix)).toEqual([]);
  });

  it("refuses a session whose sid is not its ID token's", async () => {
    const session = signInOf(bob, "sid-bob");
    session.internal.sid = "sid-alice";
    expect((await refusal(session)).mismatch).toBe("sid");
  });

  it("refuses a session with no sid when its ID token has one", async () => {
    const session = signInOf(bob, "sid-bob");
    session.internal = {
      createdAt: session.internal.createdAt,
    } as SessionData["internal"];
    expect((await refusal(session)).mismatch).toBe("sid");
  });

  it("refuses a session whose user is not its ID token's subject", async () => {
    const session = signInOf(bob, "sid-bob");
    session.user = { ...session.user, sub: alice };
    const error = await refusal(session);
    expect(error.mismatch).toBe("sub");
    expect(error.subs).toEqual([alice, bob]);
  });

  it("refuses a session whose access token is another user's", async () => {
    const session = signInOf(bob, "sid-bob");
    session.tokenSet.accessToken = jwt({ sub: alice, aud: "urn:invoices-api" });
    const error = await refusal(session);
    expect(error.mismatch).toBe("access_token");
    expect(error.subs).toEqual([bob, alice]);
    expect(await keysUnder(redis, prefix)).toEqual([]);
  });

  it("refuses a session whose access token for another audience is another user's", async () => {
    const session = signInOf(bob, "sid-bob");
    session.accessTokens = [
      {
        accessToken: jwt({ sub: alice, aud: "urn:other-api" }),
        audience: "urn:other-api",
        expiresAt: session.internal.createdAt + 3600,
      },
    ];
    expect((await refusal(session)).mismatch).toBe("access_token");
  });

  it("keeps a session whose access token is opaque or encrypted: there is no sub to compare", async () => {
    for (const accessToken of ["opaque-token", "eyJhbGciOiJkaXIifQ..iv.ciphertext.tag"]) {
      const id = newId();
      const session = signInOf(alice, "sid-alice");
      session.tokenSet.accessToken = accessToken;
      await store.set(id, session);
      expect(await store.get(id)).not.toBeNull();
    }
  });

  it("keeps a session whose ID token has no sid (a provider without session ids says nothing)", async () => {
    const id = newId();
    const session = makeSession({ sub: alice });
    expect(session.tokenSet.idToken).toBeDefined();
    await store.set(id, session);
    expect(await store.get(id)).not.toBeNull();
  });

  it("never puts a token into the error, so logging it cannot leak one", async () => {
    const merged = bobMergedIntoAlice();
    const error = await refusal(merged);
    const logged = JSON.stringify({ ...error, message: error.message });
    for (const token of [
      merged.tokenSet.idToken!,
      merged.tokenSet.accessToken,
      merged.tokenSet.refreshToken!,
      merged.accessTokens![0]!.accessToken,
    ]) {
      expect(logged).not.toContain(token);
    }
  });
});
