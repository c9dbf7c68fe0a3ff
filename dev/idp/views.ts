import type { TestUser } from "./accounts.js";
import type { Delivery } from "./logout-token.js";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;padding:40px 16px;color:#1f2328}
main{max-width:420px;margin:0 auto;background:#fff;border-radius:8px;padding:24px 28px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.25rem;margin:0 0 16px}label{display:block;margin:12px 0 4px;font-weight:600}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:8px;font-size:1rem;border:1px solid #bbb;border-radius:4px}
button{margin-top:16px;padding:8px 16px;font-size:1rem;border:0;border-radius:4px;background:#635dff;color:#fff;cursor:pointer}
.error{color:#b00020;font-weight:600}.hint{font-size:.9rem;color:#555}code{background:#eee;padding:1px 4px;border-radius:3px}
table{width:100%;border-collapse:collapse}td{padding:8px 4px;border-top:1px solid #eee}`;

/** A complete page; every value interpolated into `body` must already be escaped. */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>
${body}
</main></body>
</html>`;
}

export function loginPage(options: {
  action: string;
  users: readonly TestUser[];
  clientName?: string | undefined;
  username?: string | undefined;
  error?: string | undefined;
}): string {
  const { action, users, clientName, username = "", error } = options;
  const credentials = users
    .map(
      (user) =>
        `<li><code>${escapeHtml(user.username)}</code> / <code>${escapeHtml(user.password)}</code></li>`,
    )
    .join("");
  return page(
    "Log in",
    `<h1>Log in — local Auth0-like provider</h1>
${clientName ? `<p>to continue to <strong>${escapeHtml(clientName)}</strong></p>` : ""}
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="${escapeHtml(action)}" autocomplete="off">
<label for="username">Username</label>
<input type="text" id="username" name="username" value="${escapeHtml(username)}" required autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="password" required>
<button type="submit">Continue</button>
</form>
<p class="hint">Test users (a development tool):</p>
<ul class="hint">${credentials}</ul>`,
  );
}

/**
 * The provider's logout confirmation, submitted without asking (Auth0 does not ask).
 * `logout=yes` ends the whole provider session, as Auth0's logout does, not only this app's part.
 */
export function logoutPage(providerForm: string): string {
  const form = providerForm.replace(
    "</form>",
    '<input type="hidden" name="logout" value="yes"/></form>',
  );
  return page(
    "Signing out",
    `<h1>Signing out…</h1>
${form}
<script>document.getElementById("op.logoutForm").submit();</script>
<noscript><button type="submit" form="op.logoutForm">Continue</button></noscript>`,
  );
}

export function signedOutPage(clientName: string | undefined): string {
  return page(
    "Signed out",
    `<h1>Signed out</h1><p>You are signed out${clientName ? ` of ${escapeHtml(clientName)}` : ""} at the local provider.</p>`,
  );
}

export function errorPage(details: Record<string, unknown>): string {
  const rows = Object.entries(details)
    .map(
      ([key, value]) =>
        `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`,
    )
    .join("");
  return page("Error", `<h1>Something went wrong</h1>${rows}`);
}

export function adminPage(users: readonly TestUser[], formToken: string): string {
  const rows = users
    .map(
      (
        user,
      ) => `<tr><td>${escapeHtml(user.profile.name)}<br><code>${escapeHtml(user.sub)}</code></td><td>
<form method="post" action="/admin/logout">
<input type="hidden" name="sub" value="${escapeHtml(user.sub)}">
<input type="hidden" name="token" value="${escapeHtml(formToken)}">
<button type="submit">Sign out everywhere</button>
</form></td></tr>`,
    )
    .join("");
  return page(
    "Admin",
    `<h1>Local provider — users</h1>
<p class="hint">"Sign out everywhere" sends a back-channel logout token carrying only <code>sub</code> to the app, and ends this provider's sessions of the user.</p>
<table>${rows}</table>`,
  );
}

export function adminResultPage(
  sub: string,
  deliveries: readonly Delivery[],
  endedSessions: number,
): string {
  const items = deliveries
    .map(
      (delivery) =>
        `<li><code>${escapeHtml(delivery.url)}</code>: ${
          delivery.status !== undefined
            ? `answered <strong>${escapeHtml(delivery.status)}</strong>`
            : `<span class="error">${escapeHtml(delivery.error ?? "failed")}</span>`
        }</li>`,
    )
    .join("");
  return page(
    "Signed out everywhere",
    `<h1>Back-channel logout for <code>${escapeHtml(sub)}</code></h1>
<ul>${items}</ul>
<p>Provider sessions ended: ${escapeHtml(endedSessions)}</p>
<p><a href="/admin">Back</a></p>`,
  );
}
