import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";

const httpTimeoutMs = 5_000;
/** A token signed with a key we do not know may refetch the key set this often. */
const refetchCooldownMs = 30_000;

/**
 * The provider's signing keys, found through its discovery document (as the SDK does)
 * and cached; key rotation is followed by jose's remote key set. A failed discovery is
 * not cached, so the next request tries again.
 */
export function providerSigningKeys(issuer: string): JWTVerifyGetKey {
  let keySet: Promise<JWTVerifyGetKey> | undefined;
  const load = async (): Promise<JWTVerifyGetKey> => {
    const response = await fetch(new URL(".well-known/openid-configuration", issuer), {
      signal: AbortSignal.timeout(httpTimeoutMs),
    });
    if (!response.ok) throw new Error(`discovery answered ${response.status}`);
    const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: unknown };
    if (typeof jwksUri !== "string") throw new Error("discovery has no jwks_uri");
    return createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: httpTimeoutMs,
      cooldownDuration: refetchCooldownMs,
    });
  };
  return async (header, token) => {
    keySet ??= load().catch((error: unknown) => {
      keySet = undefined;
      throw error;
    });
    return (await keySet)(header, token);
  };
}
