/**
 * The path to send the user to after login or logout, if `raw` names a place on this
 * site; otherwise `undefined` (the caller then uses `/`). Only a path is accepted, never
 * a URL: no scheme, no `//host`, no backslash (browsers read `\` as `/`), no control
 * characters (browsers strip tabs and newlines, which can turn `/\t/evil` into
 * `//evil`). The answer is the path as the URL parser normalised it, so that what is
 * checked is exactly what is later joined to the app's base URL.
 */
export function safeReturnTo(
  raw: string | null | undefined,
  appBaseUrl: string,
): string | undefined {
  if (!raw || raw.length > 2048) return undefined;
  if (!raw.startsWith("/") || raw.startsWith("//")) return undefined;
  if (/[\\\u0000-\u001f\u007f-\u009f\s]/.test(raw)) return undefined;
  const base = new URL(appBaseUrl);
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return undefined;
  }
  if (url.origin !== base.origin) return undefined;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can collapse into `//host` once normalised (`/.//evil.com`).
  if (!path.startsWith("/") || path.startsWith("//")) return undefined;
  return path;
}

/**
 * The URL of the SDK's logout with `returnTo` (which the SDK sends to the provider as
 * `post_logout_redirect_uri`) set to `appBaseUrl`, APP_BASE_URL exactly as configured:
 * the one URL the README tells users to register as an Allowed Logout URL. A provider
 * compares it exactly, so it never depends on the request; a `returnTo` asked for is
 * dropped, since a path appended to it would be a URL nobody registered.
 */
export function logoutUrlForSdk(requestUrl: string | URL, appBaseUrl: string): URL {
  const url = new URL(requestUrl);
  url.searchParams.set("returnTo", appBaseUrl);
  return url;
}
