/**
 * The name of the SDK's v3 session cookie. Its stateful store (v4.30,
 * `normalize-session.js` `LEGACY_COOKIE_NAME`) still reads it when the configured cookie
 * is absent, as a migration path this app never needed.
 */
export const legacySessionCookieName = "appSession";

/** `appSession` and its chunks' names in v3 and v4 (`appSession.0`, `appSession__0`). */
export const legacySessionCookieNames = /^appSession(?:\.\d+|__\d+)?$/;

/**
 * The `name=value` pairs of a Cookie header, split exactly as the SDK's parser
 * (`@edge-runtime/cookies`, which Next's `RequestCookies` also is) splits it, so that a
 * pair here is a cookie there. Empty pairs are left in, as the caller may rebuild the
 * header from them.
 */
export function splitCookieHeader(header: string): string[] {
  // `header.split(/; */)`, the parser's own expression, without a regular expression:
  // a quarter of its time, on every request that carries cookies.
  const pairs: string[] = [];
  let start = 0;
  for (;;) {
    const end = header.indexOf(";", start);
    if (end === -1) {
      pairs.push(header.slice(start));
      return pairs;
    }
    pairs.push(header.slice(start, end));
    start = end + 1;
    while (header.charCodeAt(start) === 32) start++;
  }
}

/**
 * A cookie value as the SDK's parser reads it: URL-decoded, or not at all (undefined)
 * when that fails, in which case the parser drops the pair.
 */
export function decodeCookieValue(value: string): string | undefined {
  // Nothing to decode, and nothing that could fail to: the common session cookie (a JWE
  // in base64url) is returned without a scan by decodeURIComponent (half of a read).
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/**
 * The name of the SDK's login transaction cookie for a login's `state`: the configured
 * prefix then the state (its `getTransactionCookieName` with parallel transactions, its
 * default). The callback finds its transaction by this name.
 */
export function transactionCookieName(prefix: string, state: string): string {
  return `${prefix}${state}`;
}

/**
 * When the SDK wrote a transaction cookie (epoch seconds), from one `name=value` pair of
 * a Cookie header: the SDK writes the value as `<ts>:<jwe>`, which reaches the server
 * URL-encoded (`<ts>%3A<jwe>`). Anything else gives 0, so it sorts as the oldest, as the
 * SDK sorts it when it evicts.
 */
export function transactionCookieCreatedAt(pair: string): number {
  const seconds = /^[^=]*=(\d{1,12})(?::|%3A)/i.exec(pair)?.[1];
  return seconds === undefined ? 0 : Number(seconds);
}

/**
 * The SDK keeps a browser's transaction cookies (names and values together) under this
 * many bytes: before writing one it evicts the oldest (`MAX_TRANSACTION_COOKIE_BYTES`,
 * not exported). With one cookie about 560 bytes, a browser that only talks to this app
 * carries at most 6.
 */
export const sdkTransactionCookieBudgetBytes = 3500;

/** How long the SDK keeps a login transaction cookie (its default `maxAge`): an hour. */
export const sdkTransactionLifetimeSeconds = 3600;
