import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";

const httpTimeoutMs = 5_000;
/** A token signed with a key we do not know may refetch the key set this often. */
const refetchCooldownMs = 30_000;

/**
 * The provider's signing keys, found through its discovery document
 * (`<issuer>.well-known/openid-configuration` → `jwks_uri`), as the SDK finds them. The
 * key set is cached and follows key rotation (jose refetches it for an unknown `kid`);
 * a failed discovery is not cached, so the next request tries again. Used by the app
 * (logout tokens) and by the sample API (access tokens).
 */
export function providerSigningKeys(issuer: string): JWTVerifyGetKey {
  let keySet: Promise<JWTVerifyGetKey> | undefined;
  const discover = async (): Promise<JWTVerifyGetKey> => {
    const response = await fetch(new URL(".well-known/openid-configuration", issuer), {
      signal: AbortSignal.timeout(httpTimeoutMs),
      headers: { accept: "application/json" },
    });
    if (!response.ok) throw new Error(`discovery answered ${response.status}`);
    const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: unknown };
    if (typeof jwksUri !== "string" || !URL.canParse(jwksUri)) {
      throw new Error("discovery document has no valid jwks_uri");
    }
    return createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: httpTimeoutMs,
      cooldownDuration: refetchCooldownMs,
    });
  };
  return async (header, token) => {
    keySet ??= discover().catch((error: unknown) => {
      keySet = undefined;
      throw error;
    });
    return (await keySet)(header, token);
  };
}
