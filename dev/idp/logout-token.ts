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
 * A logout token that names only the user (no `sid`), so the app ends every session of
 * that user — what Auth0 sends when an administrator revokes a user's sessions.
 */
export async function signSubjectLogoutToken(options: {
  issuer: string;
  jwk: SigningJwk;
  clientId: string;
  sub: string;
}): Promise<string> {
  const key = await importJWK(options.jwk, "RS256");
  return new SignJWT({ events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } })
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

/** Signs a sub-only logout token per client and POSTs it to the client's back-channel URI. */
export async function sendSubjectLogout(options: {
  issuer: string;
  jwk: SigningJwk;
  targets: readonly LogoutTarget[];
  sub: string;
}): Promise<Delivery[]> {
  return Promise.all(
    options.targets.map(async (target) => {
      const token = await signSubjectLogoutToken({
        ...options,
        clientId: target.clientId,
      });
      const delivery = await post(target.backchannelLogoutUri, token);
      logDelivery(delivery, options.sub, false);
      return delivery;
    }),
  );
}
