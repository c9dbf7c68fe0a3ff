import { createHmac } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";

/** The provider's RS256 private key as a JWK, with `kid`, `alg` and `use` set. */
export interface SigningJwk {
  kty: "RSA";
  kid: string;
  alg: "RS256";
  use: "sig";
  n: string;
  e: string;
  d: string;
  p: string;
  q: string;
  dp: string;
  dq: string;
  qi: string;
}

const RSA_MEMBERS = ["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const;

function isSigningJwk(value: unknown): value is SigningJwk {
  if (typeof value !== "object" || value === null) return false;
  const jwk = value as Record<string, unknown>;
  return (
    jwk.kty === "RSA" &&
    jwk.alg === "RS256" &&
    jwk.use === "sig" &&
    typeof jwk.kid === "string" &&
    RSA_MEMBERS.every((member) => typeof jwk[member] === "string" && jwk[member] !== "")
  );
}

async function generate(): Promise<SigningJwk> {
  const { privateKey } = await generateKeyPair("RS256", {
    modulusLength: 2048,
    extractable: true,
  });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  const candidate = { ...jwk, kid, alg: "RS256", use: "sig" };
  if (!isSigningJwk(candidate))
    throw new Error("generated key is not an RSA private JWK");
  return candidate;
}

/**
 * Loads the key from `file`, creating it on first start. Keeping it on disk keeps the
 * `kid` stable, so tokens and cached JWKS of a running app survive a provider restart.
 */
export async function loadOrCreateSigningKey(
  file: string,
): Promise<{ jwk: SigningJwk; created: boolean }> {
  let text: string | undefined;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }

  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isSigningJwk(parsed)) {
      throw new Error(
        `${file} is not an RS256 private JWK; delete it to generate a new key`,
      );
    }
    return { jwk: parsed, created: false };
  }

  const jwk = await generate();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // "wx": of two providers starting at once, the second keeps the first one's key.
    await writeFile(file, `${JSON.stringify(jwk, null, 2)}\n`, {
      mode: 0o600,
      flag: "wx",
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      return loadOrCreateSigningKey(file);
    throw error;
  }
  return { jwk, created: true };
}

/** The public half, safe to log or publish. */
export function publicJwk(
  jwk: SigningJwk,
): Pick<SigningJwk, "kty" | "kid" | "alg" | "use" | "n" | "e"> {
  return { kty: jwk.kty, kid: jwk.kid, alg: jwk.alg, use: jwk.use, n: jwk.n, e: jwk.e };
}

/** Cookie signing keys derived from the private key: one secret on disk instead of two. */
export function deriveCookieKeys(jwk: SigningJwk): string[] {
  return [
    createHmac("sha256", jwk.d).update("local-idp cookie keys v1").digest("base64url"),
  ];
}
