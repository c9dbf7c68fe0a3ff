/**
 * Whether a request was started by another site, judged from `Sec-Fetch-Site` where the
 * browser sends it, else from `Origin`, else from `Referer`. A request with none of them
 * (typed into the address bar by an old browser, or not from a browser) is not judged
 * cross-site: forcing it needs no browser, so refusing it protects nothing.
 */
export function isCrossSiteRequest(headers: Headers, appOrigin: string): boolean {
  const fetchSite = headers.get("sec-fetch-site");
  if (fetchSite) return fetchSite !== "same-origin" && fetchSite !== "none";
  const origin = headers.get("origin");
  if (origin) return origin !== appOrigin;
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

/** The same judgement for a Pages Router API request (Node.js headers). */
export function isCrossSiteApiRequest(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  appOrigin: string,
): boolean {
  const fetchHeaders = new Headers();
  for (const name of ["sec-fetch-site", "origin", "referer"]) {
    const value = headers[name];
    if (typeof value === "string") fetchHeaders.set(name, value);
  }
  return isCrossSiteRequest(fetchHeaders, appOrigin);
}
