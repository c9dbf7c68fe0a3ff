import { isIP } from "node:net";

/**
 * Whether the SDK's answer to `/auth/login` or `/auth/logout` means it could not reach
 * the provider. When its discovery request fails the SDK logs it and answers 500 with a
 * bare message (on logout, with the Set-Cookie headers that end the session all the
 * same); the app shows its own page instead. A logout can still redirect while the
 * provider is gone, from the discovery document the SDK keeps once it has read one: that
 * is why the middleware asks the provider's health first.
 */
export function isSdkProviderFailure(response: Response): boolean {
  return response.status >= 500;
}

/**
 * What the SDK would refuse, or quietly change, in an `AUTH0_DOMAIN` of a valid form (a
 * bare host name, or an http(s) origin given as `origin`), with the message to show;
 * undefined when it takes the value as it is. The SDK (`normalizeDomain`) throws only
 * when the client is built, i.e. on the first request; refused at start-up instead:
 *
 * - an IP address (v4 or v6), and a `.local` (mDNS) name;
 * - `localhost`, `localhost.*` and `*.localhost`, except over http, where the app turns
 *   on `allowInsecureRequests`, which is the SDK's condition;
 * - a bare domain with a port;
 * - an https URL with a port: the SDK drops the port and talks to 443.
 */
export function sdkDomainProblem(
  value: string,
  origin: URL | undefined,
): string | undefined {
  if (!origin && value.includes(":")) {
    return `must not give a port without a scheme (got "${value}"): write the bare domain, or a URL such as http://localhost:4000 for a local provider`;
  }
  const host = (origin?.hostname ?? value).toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (isIP(host) !== 0) {
    return `must be a host name, not an IP address (got "${value}"): the SDK refuses IP addresses; for a local provider use http://localhost:<port>`;
  }
  if (host.endsWith(".local")) {
    return `must not be a .local (mDNS) name (got "${value}"): the SDK refuses them`;
  }
  const localhost =
    host === "localhost" || host.startsWith("localhost.") || host.endsWith(".localhost");
  if (localhost && origin?.protocol !== "http:") {
    return `may be localhost only for a local provider over http, e.g. http://localhost:4000 (got "${value}")`;
  }
  if (origin?.protocol === "https:" && origin.port !== "") {
    return `must not give a port with https (got "${value}"): the SDK drops it and talks to port 443`;
  }
  return undefined;
}

/**
 * The query of the SDK's redirect to the provider's `end_session_endpoint` when the app
 * sets `includeIdTokenHintInOIDCLogoutUrl: false` (lib/auth0.ts): no `id_token_hint` (the
 * redirect lands in the browser's history and the provider's access log), and
 * `logout_hint`, the session's `internal.sid`, which the SDK always adds and offers no
 * switch for. With it Auth0 ends that session without asking the user to confirm.
 */
export const sdkLogoutRedirectParameters = [
  "client_id",
  "post_logout_redirect_uri",
  "logout_hint",
] as const;
