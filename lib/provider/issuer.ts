/**
 * The base URL of the provider at `domain`, in Auth0's issuer form with a trailing slash:
 * `my-tenant.eu.auth0.com` → `https://my-tenant.eu.auth0.com/`, and an origin URL such
 * as `http://localhost:4000` (a local provider) keeps its scheme and port. Discovery is
 * looked up under it, and the session store names its keys by it; tokens are checked
 * against the issuer the discovery document gives, which may be written without the
 * slash. The one place an issuer is made from a domain: the app, the local provider's
 * and the invoices API's configurations and the local stack all use it (lib/shared).
 */
export function issuerForDomain(domain: string): string {
  const url = new URL(/^https?:\/\//i.test(domain) ? domain : `https://${domain}`);
  return `${url.origin}/`;
}

/**
 * What is wrong with the form of an `AUTH0_DOMAIN` value, if anything: it must be a
 * bare host name (`my-tenant.eu.auth0.com`) or an http(s) origin URL
 * (`http://localhost:4000`). The SDK's further rules are in lib/sdk/provider.ts.
 */
export function domainFormProblem(domain: string): string | undefined {
  if (isOriginUrl(domain) || isBareHostname(domain)) return undefined;
  return "must be a domain such as my-tenant.eu.auth0.com or an origin URL such as http://localhost:4000 (no path, query or fragment)";
}

/** An http(s) URL that is an origin: no path, query or fragment. */
export function isOriginUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash;
}

function isBareHostname(value: string): boolean {
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i.test(
    value,
  );
}
