/**
 * The base URL of the provider at `domain`, in Auth0's issuer form with a trailing slash:
 * `my-tenant.eu.auth0.com` → `https://my-tenant.eu.auth0.com/`, and an origin URL such
 * as `http://localhost:4000` (a local provider) keeps its scheme and port. Discovery is
 * looked up under it, and the session store names its keys by it; tokens are checked
 * against the issuer the discovery document gives, which may be written without the
 * slash.
 */
export function issuerForDomain(domain: string): string {
  const url = new URL(/^https?:\/\//i.test(domain) ? domain : `https://${domain}`);
  return `${url.origin}/`;
}
