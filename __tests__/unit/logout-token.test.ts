import { SignJWT, createLocalJWKSet, type CryptoKey, type JWTPayload } from "jose";
import {
  backchannelLogoutEvent,
  logoutTokenMaxAgeSeconds,
  verifyLogoutToken,
  type LogoutTokenResult,
} from "../../lib/backchannel-logout/logout-token";
import { clockSkewSeconds } from "../../lib/time/clock";
import { createTestSigningKeys } from "../support/test-signing-keys";

const kid = "lemon-key";
const clientId = "app-client";
/** A provider whose discovery document writes its issuer without a trailing slash. */
const issuer = "https://auth.example.org";
const now = 1_750_000_000;

let privateKey: CryptoKey;
let keys: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  const testKeys = await createTestSigningKeys(kid);
  privateKey = testKeys.privateKey;
  keys = createLocalJWKSet(testKeys.jwks);
});

/** A logout token as LemonLDAP::NG 2.21 sends it: no exp, aud an array, 8-char jti. */
function lemonToken(overrides: JWTPayload = {}): Promise<string> {
  const payload = Object.fromEntries(
    Object.entries({
      events: { [backchannelLogoutEvent]: {} },
      sub: "dwho",
      sid: "c1b2a3",
      jti: "Qw3rTy12",
      iat: now,
      iss: issuer,
      aud: [clientId],
      ...overrides,
    }).filter(([, value]) => value !== undefined),
  );
  return new SignJWT(payload)
    .setProtectedHeader({ typ: "JWT", alg: "RS256", kid })
    .sign(privateKey);
}

function verifyAt(
  token: string,
  at: number,
  rules = { issuer },
): Promise<LogoutTokenResult> {
  return verifyLogoutToken(token, { ...rules, clientId, keys, now: () => at });
}

describe("logout tokens without exp", () => {
  it("accepts one as LemonLDAP::NG sends it, acceptable until iat plus the window", async () => {
    const result = await verifyAt(await lemonToken(), now + 1);
    expect(result).toEqual({
      ok: true,
      claims: {
        iss: issuer,
        sub: "dwho",
        sid: "c1b2a3",
        jti: "Qw3rTy12",
        iat: now,
        acceptableUntil: now + logoutTokenMaxAgeSeconds,
      },
    });
  });

  it("accepts one up to the window plus the clock skew after its iat", async () => {
    const token = await lemonToken();
    const lastSecond = now + logoutTokenMaxAgeSeconds + clockSkewSeconds;
    expect((await verifyAt(token, lastSecond)).ok).toBe(true);
    expect(await verifyAt(token, lastSecond + 1)).toEqual({
      ok: false,
      code: "invalid_token",
      reason: `iat is too old: a token without exp is accepted for ${logoutTokenMaxAgeSeconds} s`,
    });
  });

  it("still refuses an iat in the future beyond the clock skew", async () => {
    const token = await lemonToken({ iat: now + clockSkewSeconds + 1 });
    expect(await verifyAt(token, now)).toMatchObject({
      ok: false,
      reason: "iat is in the future",
    });
  });

  it("still requires a jti", async () => {
    const token = await lemonToken({ jti: undefined });
    expect(await verifyAt(token, now)).toMatchObject({
      ok: false,
      reason: "jti is missing",
    });
  });
});

describe("logout tokens with exp", () => {
  it("are judged by exp alone, however old their iat, and acceptable until exp", async () => {
    const token = await lemonToken({ iat: now - 600, exp: now + 60 });
    expect(await verifyAt(token, now)).toMatchObject({
      ok: true,
      claims: { exp: now + 60, acceptableUntil: now + 60 },
    });
  });

  it("are refused once exp and the clock skew have passed", async () => {
    const token = await lemonToken({ iat: now - 600, exp: now - clockSkewSeconds - 1 });
    expect(await verifyAt(token, now)).toMatchObject({
      ok: false,
      reason: "the token has expired",
    });
  });
});

describe("the issuer", () => {
  it("must be exactly the discovered one: a trailing slash more is another issuer", async () => {
    const token = await lemonToken({ iss: `${issuer}/` });
    expect(await verifyAt(token, now)).toEqual({
      ok: false,
      code: "invalid_token",
      reason: "iss is not valid",
    });
  });

  it("must be exactly the discovered one: a trailing slash less is another issuer", async () => {
    const token = await lemonToken();
    expect(await verifyAt(token, now, { issuer: `${issuer}/` })).toMatchObject({
      ok: false,
      reason: "iss is not valid",
    });
  });

  it("is checked with aud as an array that holds the client among others", async () => {
    const token = await lemonToken({ aud: ["another-client", clientId] });
    expect((await verifyAt(token, now)).ok).toBe(true);
  });
});
