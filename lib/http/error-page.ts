import { NextResponse } from "next/server";

const escapes: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

/** What an error page says; every field is plain text, escaped when rendered. */
export interface ErrorPageContent {
  status: number;
  title: string;
  message: string;
  /** A link that tries again, e.g. `/auth/login`. */
  retryHref?: string;
  retryLabel?: string;
}

/**
 * A small, self-contained HTML error page (no script, styles from /error.css) with a
 * way to try again. It never carries a stack trace or text from the request.
 */
export function errorPageResponse(content: ErrorPageContent): NextResponse {
  const retry = content.retryHref
    ? `<p><a class="button" href="${escapeHtml(content.retryHref)}">${escapeHtml(content.retryLabel ?? "Try again")}</a></p>`
    : "";
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(content.title)}</title>
<link rel="stylesheet" href="/error.css">
<link rel="icon" href="/favicon.ico" sizes="any">
</head>
<body>
<main class="error">
<h1>${escapeHtml(content.title)}</h1>
<p>${escapeHtml(content.message)}</p>
${retry}
<p><a href="/">Home</a></p>
</main>
</body>
</html>
`;
  return new NextResponse(html, {
    status: content.status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/** What sign-in depends on that can be down: the OpenID provider, or our Redis. */
export type UnavailableService = "provider" | "session_store";

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
  page.headers.set("Retry-After", "5");
  return page;
}

/**
 * The page after a logout while the provider cannot be reached: the session here is
 * over, but the provider's may not be, and the user must know it. A 200: what this app
 * was asked to do is done, and a link to the provider's dead logout page would help no
 * one.
 */
export function signedOutLocallyPage(): NextResponse {
  return errorPageResponse({
    status: 200,
    title: "You are signed out of this app",
    message:
      "The sign-in service could not be reached, so you may still be signed in there. Once it is back, you can sign out there too.",
    retryHref: "/auth/logout",
    retryLabel: "Sign out there too",
  });
}
