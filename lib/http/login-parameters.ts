/**
 * The query parameters of `/auth/login` that reach the SDK, each with the values that
 * pass. The SDK reads every query parameter of its login route: `returnTo` and
 * `challengeMode` for itself, and all the rest it sends to the provider's `/authorize`.
 * So a link could change how this app signs users in: `challengeMode=popup` merges the
 * new sign-in into the session already in the browser (one user's ID token beside
 * another's `sid` and access token), `audience` and `scope` change which tokens the
 * session holds, `connection` or `organization` pick where the user signs in. Only what
 * this app uses, and what lets a link shape the provider's page without changing what
 * the sign-in proves, passes:
 *
 * - `returnTo`: where to land afterwards (the middleware keeps only a path on this site);
 * - `max_age`: `0` asks for a fresh sign-in (lib/your-sessions/recent-sign-in.ts). Any
 *   value passes: the SDK answers 400 to one that is not a whole number, so a request
 *   for a fresh sign-in never quietly becomes an ordinary one;
 * - `prompt`, `login` only: sign in again, e.g. as another user. `none` (a silent check)
 *   and `consent` have no use in this first-party app;
 * - `screen_hint`: Auth0's Universal Login opens on its sign-up page (`signup`);
 * - `login_hint`: the provider's form is prefilled with this user name or email; the
 *   user still proves who they are;
 * - `ui_locales`: the language of the provider's pages.
 */
export const forwardedLoginParameters: ReadonlyMap<string, (value: string) => boolean> =
  new Map<string, (value: string) => boolean>([
    ["returnTo", () => true],
    ["max_age", () => true],
    ["prompt", (value) => value === "login"],
    ["screen_hint", () => true],
    ["login_hint", () => true],
    ["ui_locales", () => true],
  ]);

/**
 * The URL of the SDK's login for the request to `requestUrl`: the same path with only
 * the {@link forwardedLoginParameters}, each once (its first value, the one the
 * middleware checks), and any other parameter dropped.
 */
export function loginUrlForSdk(requestUrl: string | URL): URL {
  const url = new URL(requestUrl);
  const forwarded = new URLSearchParams();
  for (const [name, allowed] of forwardedLoginParameters) {
    const value = url.searchParams.get(name);
    if (value !== null && allowed(value)) forwarded.set(name, value);
  }
  url.search = forwarded.toString();
  return url;
}
