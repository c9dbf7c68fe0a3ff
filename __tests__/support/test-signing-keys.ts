import {
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JSONWebKeySet,
} from "jose";

/** An RS256 key the code under test trusts (through `jwks`), and keys it must not. */
export interface TestSigningKeys {
  privateKey: CryptoKey;
  jwks: JSONWebKeySet;
  /** A key nobody published. */
  unknownKey: CryptoKey;
  /** The trusted key itself, but set up for RS512: a wrong algorithm with the right key. */
  sameKeyForRs512: CryptoKey;
}

export async function createTestSigningKeys(kid: string): Promise<TestSigningKeys> {
  const pair = await generateKeyPair("RS256", { extractable: true });
  return {
    privateKey: pair.privateKey,
    jwks: {
      keys: [{ ...(await exportJWK(pair.publicKey)), kid, alg: "RS256", use: "sig" }],
    },
    unknownKey: (await generateKeyPair("RS256")).privateKey,
    sameKeyForRs512: (await importJWK(
      await exportJWK(pair.privateKey),
      "RS512",
    )) as CryptoKey,
  };
}
