import { NextRequest, type NextResponse } from "next/server";
import {
  splitCookieHeader,
  transactionCookieCreatedAt,
  transactionCookieName as sdkTransactionCookieName,
} from "../sdk/cookies";
import { servedOverHttps, transactionCookiePrefix } from "./cookie-names";

/**
 * At most this many login transaction cookies of a request reach the SDK. The SDK keeps
 * a browser's transaction cookies under `sdkTransactionCookieBudgetBytes` (lib/sdk) in
 * all (it evicts the oldest before writing one), and one is about 560 bytes here, so a
 * browser that only talks to this app carries at most 6: sign-ins started in several
 * tabs and not finished. 8 leaves room for a shorter cookie or a slightly different SDK.
 *
 * Every transaction cookie the SDK sees costs it a Set-Cookie when it clears them
 * (logout, and eviction at login), and Next rewrites every Set-Cookie header at each
 * one: n cookies cost n² work. A request of 1,450 empty `__txn_*` cookies (16 KB) took
 * 1 to 2 s of CPU and answered 80 KB of Set-Cookie. With this bound a request costs what
 * its size does.
 */
export const maxTransactionCookies = 8;

/** The request as the SDK should see it, and how many transaction cookies it lacks. */
export interface BoundedRequest {
  request: NextRequest;
  dropped: number;
}

/**
 * `request` with at most {@link maxTransactionCookies} transaction cookies: the one its
 * `state` parameter names (the callback's own, which the SDK looks up by that name) and
 * then the newest. Other cookies are untouched, and a request within the bound is
 * returned as is. The rest are dropped rather than refused with a 400: a browser given
 * more than it should have (a sibling subdomain can set cookies for this host over
 * http) still signs in, and no response ever grows with them.
 *
 * The dropped cookies are not cleared either (that would be a Set-Cookie each); a real
 * one expires with its transaction, after an hour.
 */
export function limitTransactionCookies(request: NextRequest): BoundedRequest {
  const header = request.headers.get("cookie");
  if (header === null) return { request, dropped: 0 };
  // Split exactly as Next's RequestCookies does, so a pair here is a cookie there.
  const pairs = splitCookieHeader(header);
  const transactions: number[] = [];
  pairs.forEach((pair, index) => {
    if (pair.startsWith(transactionCookiePrefix)) transactions.push(index);
  });
  if (transactions.length <= maxTransactionCookies) return { request, dropped: 0 };

  const kept = new Set<number>();
  const state = request.nextUrl.searchParams.get("state");
  if (state) {
    const own = `${transactionCookieName(state)}=`;
    // Of duplicates, the last: the one the SDK's cookie map ends up holding.
    const index = transactions.findLast((i) => pairs[i]!.startsWith(own));
    if (index !== undefined) kept.add(index);
  }
  const createdAt = new Map(
    transactions.map((i) => [i, transactionCookieCreatedAt(pairs[i]!)]),
  );
  const newestFirst = transactions
    .filter((i) => !kept.has(i))
    .sort((a, b) => createdAt.get(b)! - createdAt.get(a)! || b - a);
  for (const index of newestFirst) {
    if (kept.size >= maxTransactionCookies) break;
    kept.add(index);
  }

  const headers = new Headers(request.headers);
  headers.set(
    "cookie",
    pairs
      .filter((pair, i) => kept.has(i) || !pair.startsWith(transactionCookiePrefix))
      .join("; "),
  );
  return {
    request: new NextRequest(request, { headers }),
    dropped: transactions.length - kept.size,
  };
}

/**
 * The name of the SDK's transaction cookie for a login's `state`, under this app's
 * prefix.
 */
export function transactionCookieName(state: string): string {
  return sdkTransactionCookieName(transactionCookiePrefix, state);
}

/**
 * Clears the transaction cookie of the login whose callback carries `state`, as the SDK
 * does when it completes one, on a response the SDK did not make.
 */
export function clearTransactionCookie(response: NextResponse, state: string): void {
  response.cookies.set(transactionCookieName(state), "", {
    path: "/",
    maxAge: 0,
    secure: servedOverHttps,
  });
}
