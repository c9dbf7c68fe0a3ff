import { getConfig } from "../config";
import { processSingleton } from "../process-singleton";
import { providerHealth } from "./health";
import { issuerForDomain } from "./issuer";

/** The issuer of this app's tokens, in Auth0's form with a trailing slash. */
export const issuer = issuerForDomain(getConfig().auth0.domain);

/** Whether the provider answers now (cached briefly). */
export const isProviderUp = processSingleton("providerHealth", () =>
  providerHealth(new URL(".well-known/openid-configuration", issuer).toString()),
);
