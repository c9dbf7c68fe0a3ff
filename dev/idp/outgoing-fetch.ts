import { decodeJwt } from "jose";
import { fetchFailureReason } from "./http.js";
import { logDelivery } from "./logout-token.js";

type ProviderFetchInit = RequestInit & { dispatcher?: unknown };

function logoutTokenClaims(
  body: unknown,
): { sub: string | undefined; withSid: boolean } | undefined {
  if (!(body instanceof URLSearchParams)) return undefined;
  const token = body.get("logout_token");
  if (!token) return undefined;
  try {
    const claims = decodeJwt(token);
    return { sub: claims.sub, withSid: typeof claims.sid === "string" };
  } catch {
    return { sub: undefined, withSid: false };
  }
}

/**
 * The `fetch` oidc-provider uses for outgoing requests (here: back-channel logout POSTs).
 *
 * oidc-provider passes an undici `dispatcher` that destroys connections to special-use
 * addresses (loopback, private networks) against SSRF. The apps of this dev tool live on
 * exactly such addresses (localhost, a Docker network), so for the registered app origins
 * the dispatcher is dropped; any other URL keeps the guard.
 */
export function createProviderFetch(appOrigins: readonly string[]) {
  return async function providerFetch(
    url: string | URL,
    init: ProviderFetchInit,
  ): Promise<Response> {
    const target = new URL(url);
    const options: ProviderFetchInit = { ...init };
    if (appOrigins.includes(target.origin)) delete options.dispatcher;

    const logout = logoutTokenClaims(init.body);
    try {
      const response = await fetch(target, options);
      if (logout)
        logDelivery(
          { url: target.href, status: response.status },
          logout.sub,
          logout.withSid,
        );
      return response;
    } catch (error) {
      if (logout) {
        const failure = { url: target.href, error: fetchFailureReason(error) };
        logDelivery(failure, logout.sub, logout.withSid);
      }
      throw error;
    }
  };
}
