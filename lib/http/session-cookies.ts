import type { IncomingHttpHeaders } from "node:http";
import { NextRequest } from "next/server";
import {
  decodeCookieValue,
  legacySessionCookieName,
  legacySessionCookieNames,
  splitCookieHeader,
} from "../sdk/cookies";

// The app has always written only the configured name; `appSession` is the SDK's.
export { legacySessionCookieName };

/** What a request's Cookie header holds under the names of a session cookie. */
export interface SessionCookies {
  /**
   * The value (URL-decoded, as the SDK reads it) of the one session cookie every reader
   * uses, or undefined: there is none, or there are several.
   */
  accepted: string | undefined;
  /**
   * The values no reader may use as the session: every `appSession` cookie, and every
   * copy of the configured cookie when there are several. A logout ends the sessions
   * they name (each is a session someone signed in to, and this browser holds it).
   */
  refused: string[];
  /** The names of the refused cookies, each once: what a logout clears. */
  refusedNames: string[];
  /**
   * The Cookie header without the refused cookies, for the SDK and every other reader;
   * null when nothing was refused and the header can be used as it is.
   */
  header: string | null;
}

/**
 * Reads the session cookie of a request as every reader in this app must: the cookie
 * named `name`, present exactly once, and nothing else.
 *
 * Why: the SDK would also take `appSession` when `name` is absent. That name has no
 * `__Host-` prefix, so on https another subdomain of the same site can set it, with
 * `Domain=` the parent, and plant a session of its choosing (its own, signed in
 * elsewhere) in this browser; no logout of this app clears a cookie of another domain.
 * And when the configured name comes twice (a copy set for a longer path or the parent
 * domain, possible wherever the name has no `__Host-` prefix, i.e. over http), a reader
 * taking the first copy and the SDK's parser, which keeps the last, disagree: the
 * session a page shows is not the one a logout ends. Which of two copies is the user's
 * own cannot be known from a Cookie header, so neither counts: the request has no
 * session (the user signs in again; a logout ends both). A legacy cookie never makes the
 * configured one ambiguous: it is dropped, so another subdomain cannot sign the user out
 * by planting one either.
 *
 * The header is split, and its values decoded, exactly as the SDK's parser does
 * (lib/sdk/cookies.ts), and a name counts as a session name after trimming, so a variant the SDK would not
 * read (`__session =…`) cannot be read by anyone else either: it is refused as a copy.
 */
export function readSessionCookies(
  cookieHeader: string | null | undefined,
  name: string,
): SessionCookies {
  const none: SessionCookies = {
    accepted: undefined,
    refused: [],
    refusedNames: [],
    header: null,
  };
  // The common request without cookies of either name costs one or two substring scans.
  if (
    !cookieHeader ||
    (!cookieHeader.includes(name) && !cookieHeader.includes(legacySessionCookieName))
  ) {
    return none;
  }
  const kept: string[] = [];
  const copies: Array<{ pair: string; exact: boolean; value: string | undefined }> = [];
  const refused: string[] = [];
  const refusedNames = new Set<string>();
  for (const pair of splitCookieHeader(cookieHeader)) {
    if (pair === "") continue;
    const at = pair.indexOf("=");
    const rawName = at === -1 ? pair : pair.slice(0, at);
    const value = at === -1 ? undefined : decodeCookieValue(pair.slice(at + 1));
    const trimmed = rawName.trim();
    if (trimmed === name) {
      copies.push({ pair, exact: rawName === name, value });
    } else if (legacySessionCookieNames.test(trimmed)) {
      refusedNames.add(trimmed);
      if (value) refused.push(value);
    } else {
      kept.push(pair);
    }
  }
  const [only, ...others] = copies;
  let accepted: string | undefined;
  if (only !== undefined && others.length === 0 && only.exact && only.value) {
    accepted = only.value;
  } else if (only !== undefined) {
    refusedNames.add(name);
    for (const copy of copies) if (copy.value) refused.push(copy.value);
  }
  if (refusedNames.size === 0) return { ...none, accepted };
  if (accepted !== undefined && only !== undefined) kept.push(only.pair);
  return { accepted, refused, refusedNames: [...refusedNames], header: kept.join("; ") };
}

/** A Fetch request (the middleware's) or a Node.js one (pages and API routes). */
type CookieBearer = Request | { headers: IncomingHttpHeaders };

/** The Cookie header of `req`, as the SDK reads it from either kind of request. */
export function cookieHeaderOf(req: CookieBearer): string | undefined {
  const headers = req.headers;
  if (typeof (headers as Headers).get === "function") {
    return (headers as Headers).get("cookie") ?? undefined;
  }
  const cookie = (headers as IncomingHttpHeaders).cookie;
  return typeof cookie === "string" ? cookie : undefined;
}

/**
 * `req` with `header` as its Cookie header ("" for none), for the SDK to read. The
 * original is left as it was: a Fetch request is copied (a NextRequest stays one, its
 * body moving to the copy), a Node.js request is seen through an object with its own
 * `headers`, since the SDK reads only those and the URL from it.
 */
export function withCookieHeader<R extends CookieBearer>(req: R, header: string): R {
  if (req instanceof Request) {
    const headers = new Headers(req.headers);
    if (header === "") headers.delete("cookie");
    else headers.set("cookie", header);
    // `nextUrl`, not instanceof: each of Next's bundles may have its own NextRequest.
    const copy =
      "nextUrl" in req
        ? new NextRequest(req, { headers })
        : new Request(req, { headers });
    return copy as R;
  }
  const headers: IncomingHttpHeaders = { ...req.headers };
  if (header === "") delete headers.cookie;
  else headers.cookie = header;
  return Object.create(req, { headers: { value: headers, enumerable: true } }) as R;
}
