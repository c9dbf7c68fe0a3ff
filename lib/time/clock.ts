/** The current time in whole epoch seconds, as the SDK and tokens count it. */
export function epochSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * How far this app's clock may be from the provider's: a token's `iat` and `exp` are
 * judged with this much tolerance, and what is remembered about a token (its `jti`) is
 * kept this much longer than the token could be accepted.
 */
export const clockSkewSeconds = 30;
