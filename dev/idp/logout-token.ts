import { randomUUID } from "node:crypto";
import { importJWK, SignJWT } from "jose";
import { fetchFailureReason } from "./http.js";
import type { SigningJwk } from "./signing-key.js";

export const BACKCHANNEL_LOGOUT_EVENT =
  "http://schemas.openid.net/event/backchannel-logout";

/** The outcome of one POST of a logout token to an app. */
export interface Delivery {
  url: string;
  status?: number;
  error?: string;
}

export interface LogoutTarget {
  clientId: string;
  backchannelLogoutUri: string;
  /** The session's `sid` for this client: the app then ends that session only. */
  sid?: string;
}

/** One log line per delivery; never includes the token itself. */
export function logDelivery(
  delivery: Delivery,
  sub: string | undefined,
  withSid: boolean,
): void {
  const outcome =
    delivery.status !== undefined
      ? `status ${delivery.status}`
      : `failed: ${delivery.error ?? "unknown error"}`;
  const line = `[idp] back-channel logout → ${delivery.url} sub=${sub ?? "(none)"} sid=${withSid ? "yes" : "no"}: ${outcome}`;
  if (delivery.status !== undefined && delivery.status >= 200 && delivery.status < 300)
    console.log(line);
  else console.warn(line);
}

/**
 * A logout token for `sub`. Without a `sid` it names only the user, so the app ends every
 * session of that user — what Auth0 sends when an administrator revokes a user's sessions;
 * with one (Auth0 sends both) the app ends that session only.
 */
export async function signLogoutToken(options: {
  issuer: string;
  jwk: SigningJwk;
  clientId: string;
  sub: string;
  sid?: string | undefined;
}): Promise<string> {
  const key = await importJWK(options.jwk, "RS256");
  const sid = options.sid === undefined ? {} : { sid: options.sid };
  return new SignJWT({ events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, ...sid })
    .setProtectedHeader({ alg: "RS256", typ: "logout+jwt", kid: options.jwk.kid })
    .setIssuer(options.issuer)
    .setAudience(options.clientId)
    .setSubject(options.sub)
    .setIssuedAt()
    .setExpirationTime("2m")
    .setJti(randomUUID())
    .sign(key);
}

async function post(url: string, logoutToken: string): Promise<Delivery> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ logout_token: logoutToken }),
      redirect: "manual",
      signal: AbortSignal.timeout(5000),
    });
    await response.body?.cancel();
    return { url, status: response.status };
  } catch (error) {
    return { url, error: fetchFailureReason(error) };
  }
}

/**
 * Signs a logout token per client (with the target's `sid`, if it has one) and POSTs it to
 * the client's back-channel URI.
 */
export async function sendLogoutTokens(options: {
  issuer: string;
  jwk: SigningJwk;
  targets: readonly LogoutTarget[];
  sub: string;
}): Promise<Delivery[]> {
  return Promise.all(
    options.targets.map(async (target) => {
      const token = await signLogoutToken({
        issuer: options.issuer,
        jwk: options.jwk,
        clientId: target.clientId,
        sub: options.sub,
        sid: target.sid,
      });
      const delivery = await post(target.backchannelLogoutUri, token);
      logDelivery(delivery, options.sub, target.sid !== undefined);
      return delivery;
    }),
  );
}
