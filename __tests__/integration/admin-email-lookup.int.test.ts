/*
 * An administrator finds a user by email (lib/admin/find-user.ts) through the store's
 * email index, written when a session is stored. Only an email the provider verified is
 * indexed: an attacker who signs up at the provider with the victim's address, which
 * they cannot verify, must not become the user the administrator's search finds (and
 * whose sessions the administrator then lists and ends).
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { sessionKeysFor } from "../../lib/session/keys";
import { RedisSessionStore } from "../../lib/session/store";
import { makeSession } from "../../dev/harness/session-fixtures";
import { clearPrefix, connectTestRedis, keysUnder } from "../support/test-redis";

const lifetime = { rolling: true, absoluteDuration: 86400, inactivityDuration: 3600 };

let redis: Redis;
let prefix: string;
let store: RedisSessionStore;

beforeAll(() => {
  ({ redis, prefix } = connectTestRedis());
  store = new RedisSessionStore({
    redis,
    keys: sessionKeysFor(prefix),
    lifetime,
  });
});

beforeEach(() => clearPrefix(redis, prefix));

afterAll(async () => {
  await clearPrefix(redis, prefix);
  await redis.quit();
});

/** A sign-in of `sub` with `email`, verified at the provider as `emailVerified` says. */
async function signIn(sub: string, email: string, emailVerified: unknown): Promise<void> {
  // Whatever the ID token said, a string or nothing included.
  const session = makeSession({
    sub,
    sid: `sid-${randomBytes(4).toString("hex")}`,
    email,
    emailVerified,
  });
  await store.set(randomBytes(16).toString("hex"), session);
}

describe("the administrators' search by email", () => {
  it("finds the user who signed in with the email verified", async () => {
    await signIn("auth0|alice", "alice@example.com", true);
    expect(await store.findUserByEmail("Alice@Example.com")).toBe("auth0|alice");
  });

  it("finds no one by an email no sign-in had verified, and writes no index key for it", async () => {
    await signIn("auth0|mallory", "alice@example.com", false);
    await signIn("auth0|mallory2", "alice@example.com", undefined);
    await signIn("auth0|mallory3", "alice@example.com", "true");
    expect(await store.findUserByEmail("alice@example.com")).toBeNull();
    expect(await keysUnder(redis, `${prefix}email:`)).toEqual([]);
  });

  it("keeps finding the verified owner after someone signs in with the same address unverified", async () => {
    await signIn("auth0|alice", "alice@example.com", true);
    await signIn("auth0|mallory", "ALICE@example.com", false);
    expect(await store.findUserByEmail("alice@example.com")).toBe("auth0|alice");
  });

  it("still stores the session of a user whose email is unverified", async () => {
    await signIn("auth0|mallory", "mallory@example.com", false);
    expect(await store.listSessionsOfUser("auth0|mallory")).toHaveLength(1);
  });
});
