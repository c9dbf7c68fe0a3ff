/*
 * Authorization requests are adjusted before oidc-provider sees them, where its
 * standard behaviour differs from Auth0's in ways the app depends on.
 */

function single(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  // Duplicates are left for oidc-provider to reject.
  return values.length === 1 ? values[0] : undefined;
}

/**
 * Returns the query of a GET /authorize request, rewritten:
 *
 * - `offline_access`: oidc-provider (following OpenID Connect Core) drops it unless the
 *   request also has `prompt=consent`; Auth0 grants it to a first-party app that asks.
 *   So `consent` is added to the prompt — and consent is then granted without a page.
 * - `audience` of the configured API: Auth0 puts the API's permissions granted to the app
 *   into the access token's `scope`; here they are added to the requested scope, since
 *   oidc-provider only grants resource scopes that were requested.
 */
export function rewriteAuthorizeQuery(
  query: URLSearchParams,
  api: { audience: string; scopes: readonly string[] },
): URLSearchParams {
  const result = new URLSearchParams(query);
  const scope = single(query, "scope");
  if (scope === undefined) return result;
  const scopes = new Set(scope.split(" ").filter(Boolean));

  const target = single(query, "resource") ?? single(query, "audience");
  if (target === api.audience) api.scopes.forEach((apiScope) => scopes.add(apiScope));
  result.set("scope", [...scopes].join(" "));

  const prompt =
    query.getAll("prompt").length > 1 ? undefined : (query.get("prompt") ?? "");
  if (scopes.has("offline_access") && prompt !== undefined) {
    const prompts = new Set(prompt.split(" ").filter(Boolean));
    // prompt=none must stay alone; such a request gets no refresh token, as with the standard.
    if (!prompts.has("none")) {
      prompts.add("consent");
      result.set("prompt", [...prompts].join(" "));
    }
  }
  return result;
}
