import { getConfig } from "../config";
import { processSingleton } from "../process-singleton";
import { providerHealth } from "./health";
import { issuerForDomain } from "./issuer";
import { discoveryUrl, providerMetadata } from "./metadata";

/**
 * The provider's base URL from AUTH0_DOMAIN, in Auth0's form with a trailing slash: where
 * its discovery document is looked up, and the namespace of the session store's keys.
 * Tokens are checked against the issuer that document gives ({@link provider}), which
 * another provider may write differently (without the slash).
 */
export const providerBaseUrl = issuerForDomain(getConfig().auth0.domain);

/**
 * The session store's key namespace: {@link providerBaseUrl}, under the name the store
 * has always used, so that no key changes.
 */
export const issuer = providerBaseUrl;

/** The provider as its discovery document describes it: its issuer and signing keys. */
export const provider = processSingleton("providerMetadata", () =>
  providerMetadata(providerBaseUrl),
);

/** Whether the provider answers now (cached briefly). */
export const isProviderUp = processSingleton("providerHealth", () =>
  providerHealth(discoveryUrl(providerBaseUrl).toString()),
);
