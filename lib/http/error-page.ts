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

/** The page for "the session store or the provider is down": sign-in cannot work now. */
export function signInUnavailablePage(retryHref = "/"): NextResponse {
  return errorPageResponse({
    status: 503,
    title: "Sign-in is temporarily unavailable",
    message: "We cannot check your session right now. Please try again in a moment.",
    retryHref,
  });
}
