import { generateSessionCookie } from "@auth0/nextjs-auth0/testing";
import { sessionCookieReader } from "../../lib/session/session-cookie";

const secret = "a-32-character-or-longer-secret-for-the-session-cookie";

/** The cookie the SDK's own encryption makes for a stateful session: `{ id }`. */
function sdkCookie(payload: object, withSecret = secret): Promise<string> {
  return generateSessionCookie(payload, { secret: withSecret });
}

describe("the session cookie reader", () => {
  const read = sessionCookieReader(secret);

  it("reads the session id from a cookie the SDK encrypted", async () => {
    expect(await read(await sdkCookie({ id: "3f2a9c", internal: {} }))).toBe("3f2a9c");
  });

  it("gives null for a cookie of another secret, a tampered one, or garbage", async () => {
    expect(
      await read(await sdkCookie({ id: "x", internal: {} }, `${secret}-other`)),
    ).toBeNull();
    const cookie = await sdkCookie({ id: "x", internal: {} });
    const [header, key, iv, ciphertext, tag] = cookie.split(".");
    const flipped = `${ciphertext!.slice(0, -2)}${ciphertext!.endsWith("A") ? "B" : "A"}${ciphertext!.slice(-1)}`;
    expect(await read([header, key, iv, flipped, tag].join("."))).toBeNull();
    expect(await read("not-a-jwe")).toBeNull();
  });

  it("gives null for a cookie without a string id", async () => {
    expect(await read(await sdkCookie({ user: { sub: "a" }, internal: {} }))).toBeNull();
  });
});
