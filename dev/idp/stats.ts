import type Provider from "oidc-provider";

export interface GrantStats {
  grants: { authorization_code: number; refresh_token: number };
}

/** Counts successful token grants since start, so tests can prove how often the app refreshed. */
export function countGrants(provider: Provider): () => GrantStats {
  const grants = { authorization_code: 0, refresh_token: 0 };
  provider.on("grant.success", (ctx) => {
    const type = ctx.oidc.params?.grant_type;
    if (type === "authorization_code" || type === "refresh_token") grants[type] += 1;
  });
  return () => ({ grants: { ...grants } });
}
