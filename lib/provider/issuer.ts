/**
 * The issuer (`iss`) of tokens from `domain`, in Auth0's form with a trailing slash:
 * `my-tenant.eu.auth0.com` → `https://my-tenant.eu.auth0.com/`, and an origin URL
 * such as `http://localhost:4000` (a local provider) keeps its scheme and port.
 */
export function issuerForDomain(domain: string): string {
  const url = new URL(/^https?:\/\//i.test(domain) ? domain : `https://${domain}`);
  return `${url.origin}/`;
}
