import type { SessionData } from "@auth0/nextjs-auth0/types";
import type { SdkError } from "@auth0/nextjs-auth0/errors";
import { NextResponse } from "next/server";
import { errorPageResponse } from "../http/error-page";
import { safeReturnTo } from "../http/return-to";

interface CallbackContext {
  returnTo?: string;
  appBaseUrl?: string;
}

interface Logger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** Errors the provider or the network caused: the user can only wait and retry. */
const providerTrouble = new Set([
  "discovery_error",
  "authorization_code_grant_request_error",
]);

/**
 * The SDK's `onCallback`: after a login, redirect to `returnTo` only if it is a path on
 * this site; on an error, a friendly page with a way to retry, and no session. The
 * SDK's default answers 500 with the error's message; the message can carry what the
 * provider (or an attacker, through `error_description`) put in the URL, so it is
 * logged by code and never shown.
 */
export function createOnCallback(appBaseUrl: string, log: Logger) {
  return async function onCallback(
    error: SdkError | null,
    ctx: CallbackContext,
    session: SessionData | null,
  ): Promise<NextResponse> {
    if (!error) {
      log.info({ event: "login", sub: session?.user.sub }, "login");
      const target = safeReturnTo(ctx.returnTo, appBaseUrl) ?? "/";
      return NextResponse.redirect(new URL(target, appBaseUrl));
    }
    log.warn({ event: "login_failed", code: error.code }, "login failed");
    if (providerTrouble.has(error.code)) {
      return errorPageResponse({
        status: 502,
        title: "Sign-in is temporarily unavailable",
        message: "The sign-in service did not answer. Please try again in a moment.",
        retryHref: "/auth/login",
      });
    }
    return errorPageResponse({
      status: 400,
      title: "Sign-in did not complete",
      message:
        "This sign-in link has expired, was already used, or was cancelled. Please start again.",
      retryHref: "/auth/login",
      retryLabel: "Log in again",
    });
  };
}
