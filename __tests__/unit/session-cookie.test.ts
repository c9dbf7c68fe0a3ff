import { createDecipheriv, hkdfSync } from "node:crypto";
import { generateSessionCookie } from "@auth0/nextjs-auth0/testing";
import { EncryptJWT } from "jose";
import { sessionCookieReader } from "../../lib/session/session-cookie";

// Counted, to show which reads decrypted: the real function, watched.
jest.mock("node:crypto", () => {
  const actual = jest.requireActual<typeof import("node:crypto")>("node:crypto");
  return { ...actual, createDecipheriv: jest.fn(actual.createDecipheriv) };
});
const decryptions = jest.mocked(createDecipheriv);

const secret = "a-32-character-or-longer-secret-for-the-session-cookie";
const sdkKey = (withSecret: string) =>
  new Uint8Array(hkdfSync("sha256", withSecret, "", "JWE CEK", 32));

/** The cookie the SDK's own encryption makes for a stateful session: `{ id }`, 1 h. */
function sdkCookie(payload: object, withSecret = secret): Promise<string> {
  return generateSessionCookie(payload, {
    secret: withSecret,
  });
}

/** A JWE made independently with jose, with the header and expiry of our choosing. */
function joseCookie(
  header: { alg: string; enc: string; zip?: string },
  exp: number | undefined,
  payload: object = { id: "abc" },
): Promise<string> {
  const jwt = new EncryptJWT({ ...payload }).setProtectedHeader(header);
  if (exp !== undefined) jwt.setExpirationTime(exp);
  return jwt.encrypt(sdkKey(secret));
}

/** `part` of a compact JWE with one character changed. */
function tamper(cookie: string, part: number): string {
  const parts = cookie.split(".");
  const value = parts[part]!;
  parts[part] = `${value.slice(0, 4)}${value[4] === "A" ? "B" : "A"}${value.slice(5)}`;
  return parts.join(".");
}

describe("the session cookie reader", () => {
  const read = sessionCookieReader(secret);
  const now = () => Math.floor(Date.now() / 1000);

  it("reads the session id from a cookie the SDK encrypted", async () => {
    expect(read(await sdkCookie({ id: "3f2a9c", internal: {} }))).toBe("3f2a9c");
  });

  it("gives null for a cookie of another secret, or with its header, IV, ciphertext or tag changed", async () => {
    const cookie = await sdkCookie({ id: "x", internal: {} });
    expect(
      read(await sdkCookie({ id: "x", internal: {} }, `${secret}-other`)),
    ).toBeNull();
    for (const part of [0, 2, 3, 4])
      expect([part, read(tamper(cookie, part))]).toEqual([part, null]);
    expect(read("not-a-jwe")).toBeNull();
    expect(read(`${cookie}.extra`)).toBeNull();
  });

  it("accepts only dir with A256GCM, and no compression", async () => {
    expect(read(await joseCookie({ alg: "dir", enc: "A256GCM" }, now() + 60))).toBe(
      "abc",
    );
    expect(
      read(await joseCookie({ alg: "dir", enc: "A256GCM", zip: "DEF" }, now() + 60)),
    ).toBeNull();
    const [, ...rest] = (
      await joseCookie({ alg: "dir", enc: "A256GCM" }, now() + 60)
    ).split(".");
    const none = Buffer.from(JSON.stringify({ alg: "none", enc: "A256GCM" })).toString(
      "base64url",
    );
    expect(read([none, ...rest].join("."))).toBeNull();
  });

  it("requires exp, and refuses one past the SDK's 15-second tolerance", async () => {
    expect(read(await joseCookie({ alg: "dir", enc: "A256GCM" }, undefined))).toBeNull();
    expect(read(await joseCookie({ alg: "dir", enc: "A256GCM" }, now() - 10))).toBe(
      "abc",
    );
    expect(read(await joseCookie({ alg: "dir", enc: "A256GCM" }, now() - 16))).toBeNull();
  });

  it("gives null for a cookie without a string id", async () => {
    expect(read(await sdkCookie({ user: { sub: "a" }, internal: {} }))).toBeNull();
  });
});

describe("the cookies a reader remembers", () => {
  beforeEach(() => decryptions.mockClear());

  it("decrypts a cookie once, however often it is read", async () => {
    const read = sessionCookieReader(secret);
    const cookie = await sdkCookie({ id: "seen-once", internal: {} });
    for (let i = 0; i < 5; i++) expect(read(cookie)).toBe("seen-once");
    expect(decryptions).toHaveBeenCalledTimes(1);
  });

  it("still refuses a remembered cookie once its exp has passed", async () => {
    let clock = Math.floor(Date.now() / 1000);
    const read = sessionCookieReader(secret, () => clock);
    const cookie = await joseCookie({ alg: "dir", enc: "A256GCM" }, clock + 60);
    expect(read(cookie)).toBe("abc");
    clock += 60 + 15;
    expect(read(cookie)).toBeNull();
    expect(read(cookie)).toBeNull();
  });

  it("does not remember a cookie that failed, so forgeries cannot fill it", async () => {
    const read = sessionCookieReader(secret);
    const forged = tamper(await sdkCookie({ id: "x", internal: {} }), 3);
    for (let i = 0; i < 3; i++) expect(read(forged)).toBeNull();
    expect(decryptions).toHaveBeenCalledTimes(3);
  });

  it("never keeps an expired cookie, so it cannot push out a live one", async () => {
    const clock = Math.floor(Date.now() / 1000);
    const read = sessionCookieReader(secret, () => clock, 1);
    const live = await joseCookie({ alg: "dir", enc: "A256GCM" }, clock + 60);
    const expired = await joseCookie({ alg: "dir", enc: "A256GCM" }, clock - 60);
    expect(read(live)).toBe("abc");
    expect(read(expired)).toBeNull();
    expect(read(live)).toBe("abc");
    expect(decryptions).toHaveBeenCalledTimes(2);
  });

  it("keeps at most `remembered` cookies, dropping the oldest", async () => {
    const read = sessionCookieReader(secret, undefined, 2);
    const [first, second, third] = await Promise.all(
      ["one", "two", "three"].map((id) => sdkCookie({ id, internal: {} })),
    );
    for (const cookie of [first!, second!, third!]) read(cookie);
    expect(decryptions).toHaveBeenCalledTimes(3);
    expect(read(third!)).toBe("three");
    expect(read(second!)).toBe("two");
    expect(decryptions).toHaveBeenCalledTimes(3);
    expect(read(first!)).toBe("one");
    expect(decryptions).toHaveBeenCalledTimes(4);
  });
});
