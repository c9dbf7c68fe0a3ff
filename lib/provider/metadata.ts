import type { JWTVerifyGetKey } from "jose";
import { AppError } from "../errors";
import { providerRequestTimeoutMs, rotatingKeySet, type KeySetOptions } from "./key-set";

/** What this app takes from the provider's discovery document. */
export interface ProviderDiscovery {
  /** The provider's `issuer`, exactly as written there (with or without a trailing slash). */
  issuer: string;
  jwksUri: URL;
}

/** The provider as its discovery document describes it, loaded once per process. */
export interface ProviderMetadata {
  /**
   * The issuer its tokens must carry as `iss`, exactly.
   * @throws {ProviderMetadataUnavailableError} when the discovery document cannot be loaded.
   */
  issuer(): Promise<string>;
  /** Its signing keys, following key rotation (see {@link rotatingKeySet}). */
  signingKeys: JWTVerifyGetKey;
}

/** The provider's discovery document could not be loaded or is not usable. */
export class ProviderMetadataUnavailableError extends AppError {
  static override readonly code = "provider_metadata_unavailable";
  readonly code = ProviderMetadataUnavailableError.code;
  override readonly name = "ProviderMetadataUnavailableError";
  constructor(message: string, cause?: unknown) {
    super(`provider discovery: ${message}`, { cause });
  }
}

/** Where the discovery document of the provider at `baseUrl` lives (OIDC Discovery §4). */
export function discoveryUrl(baseUrl: string): URL {
  return new URL(".well-known/openid-configuration", baseUrl);
}

/**
 * The provider found at `baseUrl` (the base URL AUTH0_DOMAIN gives, with its trailing
 * slash), as the SDK finds it: its discovery document gives the issuer and the key set's
 * address. The document is read once, as the SDK reads it (a provider that moves its
 * issuer or its keys' address needs a restart); one read is in flight at a time, each
 * gives up after `timeoutMs`, and a failed one is not remembered.
 */
export function providerMetadata(
  baseUrl: string,
  options: KeySetOptions = {},
): ProviderMetadata {
  const url = discoveryUrl(baseUrl);
  const timeoutMs = options.timeoutMs ?? providerRequestTimeoutMs;
  let discovery: Promise<ProviderDiscovery> | undefined;
  const discover = (): Promise<ProviderDiscovery> => {
    discovery ??= loadDiscovery(url, timeoutMs).catch((error: unknown) => {
      discovery = undefined;
      throw error;
    });
    return discovery;
  };
  return {
    issuer: async () => (await discover()).issuer,
    signingKeys: rotatingKeySet(async () => (await discover()).jwksUri, options),
  };
}

async function loadDiscovery(url: URL, timeoutMs: number): Promise<ProviderDiscovery> {
  let document: unknown;
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: "application/json" },
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`${url.href} answered ${response.status}`);
    }
    document = await response.json();
  } catch (error) {
    throw new ProviderMetadataUnavailableError(
      `cannot load ${url.href}: ${(error as Error).message}`,
      error,
    );
  }
  const { issuer, jwks_uri: jwksUri } = (document ?? {}) as {
    issuer?: unknown;
    jwks_uri?: unknown;
  };
  // OIDC Discovery §3: an http(s) URL without query or fragment. http stays allowed for
  // the local provider; AUTH0_DOMAIN itself refuses http for a real tenant.
  if (!isHttpUrl(issuer) || /[?#]/.test(issuer)) {
    throw new ProviderMetadataUnavailableError(
      `${url.href} has no valid issuer (an http(s) URL without query or fragment)`,
    );
  }
  if (!isHttpUrl(jwksUri)) {
    throw new ProviderMetadataUnavailableError(
      `${url.href} has no valid jwks_uri (an http(s) URL)`,
    );
  }
  return { issuer, jwksUri: new URL(jwksUri) };
}

function isHttpUrl(value: unknown): value is string {
  return (
    typeof value === "string" &&
    URL.canParse(value) &&
    /^https?:$/.test(new URL(value).protocol)
  );
}
