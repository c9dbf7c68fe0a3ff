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
