/**
 * Whether a navigation (here: `/auth/logout`) was started by another site. An `Origin`
 * the browser sends must be this app's: a foreign one always refuses, whatever
 * `Sec-Fetch-Site` says (a browser never sends both disagreeing; anything that does is
 * not to be trusted on either). Then `Sec-Fetch-Site` where the browser sends it:
 * `same-origin`, or `none` for a navigation the user started (typed, bookmarked); then
 * `Referer`. A request with none of them (an old browser's typed URL, or not from a
 * browser) is not judged cross-site: forcing it needs no browser, so refusing it
 * protects nothing.
 */
export function isCrossSiteRequest(headers: Headers, appOrigin: string): boolean {
  return judgeCrossSite(headers, appOrigin, { userStartedIsSameOrigin: true });
}

/**
 * The stricter judgement for the app's own API calls (the sessions API), which only its
 * pages make, with `fetch`: `Sec-Fetch-Site`, when sent, must be `same-origin` (`none`,
 * a URL the user typed, is no way to call it: a typed `POST` does not exist, and a
 * browser that said `none` with a foreign `Origin` was not making this app's call), and
 * an `Origin`, when sent, this app's. Node.js headers, as a Pages Router API route has.
 */
export function isCrossSiteApiRequest(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  appOrigin: string,
): boolean {
  const fetchHeaders = new Headers();
  for (const name of ["sec-fetch-site", "origin", "referer"]) {
    const value = headers[name];
    // A header sent twice arrives as an array (or joined): never this app's one value.
    if (value !== undefined) fetchHeaders.set(name, String(value));
  }
  return judgeCrossSite(fetchHeaders, appOrigin, { userStartedIsSameOrigin: false });
}

function judgeCrossSite(
  headers: Headers,
  appOrigin: string,
  options: { userStartedIsSameOrigin: boolean },
): boolean {
  const origin = headers.get("origin");
  if (origin !== null && origin !== appOrigin) return true;
  const fetchSite = headers.get("sec-fetch-site");
  if (fetchSite) {
    if (fetchSite === "same-origin") return false;
    return !(fetchSite === "none" && options.userStartedIsSameOrigin);
  }
  if (origin !== null) return false;
  const referer = headers.get("referer");
  if (referer) {
    try {
      return new URL(referer).origin !== appOrigin;
    } catch {
      return true;
    }
  }
  return false;
}
