// What every 503 of this app carries, in a module without side effects, so that code
// tested without the app's configuration (the back-channel logout handler) can use it.

import type { NextResponse } from "next/server";
import { errorPageResponse } from "./error-page";

/** How soon a client may try again after any 503 of this app. */
export const retryAfterSeconds = 5;

/** What the app depends on that can be down. */
export type UnavailableService = "provider" | "session_store";

/** The headers of every 503: try again soon, and never keep this answer. */
export function unavailableHeaders(
  retryAfter: number = retryAfterSeconds,
): Record<string, string> {
  return { "Cache-Control": "no-store", "Retry-After": String(retryAfter) };
}

const unavailableMessages: Record<UnavailableService, string> = {
  provider:
    "The sign-in service cannot be reached right now. Please try again in a moment.",
  session_store:
    "Our session store is not answering, so we cannot check your session right now. Please try again in a moment.",
};

/**
 * The 503 page for "sign-in cannot work now", naming what is down, with a link that
 * tries again (`retryHref`, e.g. `/auth/login`).
 */
export function signInUnavailablePage(
  down: UnavailableService,
  retryHref = "/",
): NextResponse {
  const page = errorPageResponse({
    status: 503,
    title: "Sign-in is temporarily unavailable",
    message: unavailableMessages[down],
    retryHref,
  });
  for (const [name, value] of Object.entries(unavailableHeaders())) {
    page.headers.set(name, value);
  }
  return page;
}
