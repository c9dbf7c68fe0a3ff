/**
 * The `fetch` to give `auth0`'s `ManagementClient` (v7), which uses it for its token
 * request and its API calls alike, for the provider whose `http://` origin is
 * `httpOrigin` (undefined for an https provider). Two things about that client:
 *
 * - It has no option for a scheme: it always calls `https://<domain>/api/v2/…` and gets
 *   its token from `https://<domain>/oauth/token` (it drops a `baseUrl` or `fetcher`), but both go
 *   through this `fetch`. For the local provider (an `http://` AUTH0_DOMAIN) exactly
 *   that origin's https URLs become http; any other URL passes unchanged.
 * - What `fetch` throws reaches the caller as it was (the token request) or as the
 *   `cause` of its own error (the API calls), so a network failure, made
 *   `unavailable(error)` here, is found in either by `findCause`. Timeouts stay aborts
 *   (`AbortError`, `TimeoutError`), which the client maps to its own timeout errors.
 */
export function managementFetch(
  httpOrigin: string | undefined,
  unavailable: (networkFailure: unknown) => Error,
): typeof fetch {
  return async (input, init) => {
    const url = requestUrl(input);
    const target = managementRequestUrl(url, httpOrigin);
    try {
      return await fetch(target === url ? input : target, init);
    } catch (error) {
      const name = error instanceof Error ? error.name : "";
      if (name === "AbortError" || name === "TimeoutError") throw error;
      throw unavailable(error);
    }
  };
}

/** The URL `ManagementClient` built, on the provider's own scheme (see {@link managementFetch}). */
function managementRequestUrl(url: string, httpOrigin: string | undefined): string {
  if (httpOrigin === undefined) return url;
  const httpsOrigin = httpOrigin.replace(/^http:/, "https:");
  return url.startsWith(`${httpsOrigin}/`)
    ? `${httpOrigin}${url.slice(httpsOrigin.length)}`
    : url;
}

function requestUrl(input: string | URL | Request): string {
  if (typeof input === "string") return input;
  return input instanceof URL ? input.href : input.url;
}
