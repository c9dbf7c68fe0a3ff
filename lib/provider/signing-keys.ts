import type { JWTVerifyGetKey } from "jose";
import type { KeySetOptions } from "./key-set";
import { providerMetadata } from "./metadata";

/**
 * The signing keys of the provider at `baseUrl` (the base URL AUTH0_DOMAIN gives, with
 * its trailing slash), found through its discovery document and following key rotation:
 * see {@link providerMetadata}. For the sample API (access tokens), which checks `iss`
 * against its own configuration; the app takes issuer and keys together from
 * `providerMetadata`.
 */
export function providerSigningKeys(
  baseUrl: string,
  options: KeySetOptions = {},
): JWTVerifyGetKey {
  return providerMetadata(baseUrl, options).signingKeys;
}
