import { useState } from "react";
import useSWR from "swr";
import type { SessionView } from "../lib/your-sessions/sessions-of-user";
import { reauthenticationUrl } from "../lib/your-sessions/recent-sign-in";
import { fetchJson } from "./fetch-json";
import { RelativeTime } from "./RelativeTime";

/** Where a list of sessions comes from and how its buttons end them. */
export interface SessionListApi {
  /** GET: `{ sessions }`. */
  list: string;
  /** DELETE one session by its handle. */
  endOne: (id: string) => string;
  /** POST: every session but the caller's own (user page only). */
  endOthers?: string;
  /** POST: every session. */
  endAll: string;
  /** Where the user comes back to after authenticating again. */
  page: string;
}

type Status = { kind: "done" | "error"; text: string } | null;

const plural = (count: number, word: string) =>
  `${count} ${word}${count === 1 ? "" : "s"}`;

/**
 * A user's sessions as the device pages people know show them: one card per device,
 * this device first and marked, each with its own sign-out button. Ending needs a
 * recent sign-in: on `reauthentication_required` the browser goes through the login
 * with `max_age=0` and comes back here, where the user repeats the action.
 */
export function SessionList({
  api,
  initial,
  now,
  providerManagement,
  onEndedAll,
}: {
  api: SessionListApi;
  initial: SessionView[];
  /** The server's clock when it rendered, epoch ms (relative times agree on hydration). */
  now: number;
  /** Whether ending a session here also ends it at the provider. */
  providerManagement: boolean;
  /** After "sign out everywhere" (the user's page: continue to the provider's logout). */
  onEndedAll?: () => void;
}) {
  const { data, mutate } = useSWR(api.list, fetchJson<{ sessions: SessionView[] }>, {
    fallbackData: { sessions: initial },
    revalidateOnMount: false,
  });
  const [status, setStatus] = useState<Status>(null);
  const [busy, setBusy] = useState(false);
  const sessions = data?.sessions ?? initial;

  async function end(url: string, method: "DELETE" | "POST", all = false) {
    setBusy(true);
    setStatus(null);
    try {
      const response = await fetch(url, {
        method,
        headers: { accept: "application/json" },
      });
      const body = (
        response.status === 204 ? {} : await response.json().catch(() => ({}))
      ) as { error?: string; ended?: number };
      if (response.status === 401 && body.error === "reauthentication_required") {
        setStatus({ kind: "done", text: "Please sign in again to confirm it is you…" });
        window.location.assign(reauthenticationUrl(api.page));
        return;
      }
      if (response.status === 401) {
        window.location.assign(`/auth/login?returnTo=${encodeURIComponent(api.page)}`);
        return;
      }
      if (response.status === 503 && body.error === "provider_unavailable") {
        setStatus({
          kind: "error",
          text: `Signed out of ${plural(body.ended ?? 0, "session")} in this app, but the sign-in service could not be reached: those devices may still sign in again without a password. Try again in a moment.`,
        });
      } else if (response.status === 404) {
        setStatus({ kind: "error", text: "That session had already ended." });
      } else if (!response.ok) {
        setStatus({
          kind: "error",
          text: "Nothing was signed out: the service is unavailable. Try again in a moment.",
        });
        return;
      } else {
        const count = response.status === 204 ? 1 : (body.ended ?? 0);
        setStatus({
          kind: "done",
          text: `Signed out ${plural(count, "session")}.${
            providerManagement
              ? ""
              : " Those devices may still be signed in at the sign-in service."
          }`,
        });
        if (all && onEndedAll) {
          onEndedAll();
          return;
        }
      }
      await mutate();
    } finally {
      setBusy(false);
    }
  }

  const others = sessions.filter((session) => !session.current).length;
  return (
    <>
      <p className="muted" data-testid="provider-note">
        {providerManagement
          ? "Signing a device out here also ends its sign-in at the sign-in service, so it must enter its password again."
          : "Signing a device out here ends its session in this app only; it may still be signed in at the sign-in service."}
      </p>
      <p
        role="status"
        aria-live="polite"
        data-testid="sessions-status"
        className={status?.kind === "error" ? "alert" : "muted"}
      >
        {status?.text ?? ""}
      </p>
      <ul className="devices" data-testid="sessions">
        {sessions.length === 0 ? <li className="muted">No active sessions.</li> : null}
        {sessions.map((session) => (
          <li
            key={session.id}
            className="device card"
            data-testid="session"
            data-current={session.current}
          >
            <DeviceIcon kind={session.device} />
            <div className="device-text">
              <h2>
                {session.browser || "Unknown browser"}
                {session.os ? ` on ${session.os}` : ""}
                {session.current ? (
                  <span className="badge" data-testid="this-device">
                    This device
                  </span>
                ) : null}
              </h2>
              <p className="muted">
                {capitalize(session.device || "device")}
                {session.ip ? ` · ${session.ip}` : ""}
              </p>
              <p className="muted">
                Signed in{" "}
                <RelativeTime dateTime={session.createdAt} now={now} kind="elapsed" />
                {" · "}
                {session.current ? (
                  "active now"
                ) : (
                  <>
                    active{" "}
                    <RelativeTime
                      dateTime={session.lastActiveAt}
                      now={now}
                      kind="elapsed"
                    />
                  </>
                )}
              </p>
            </div>
            {session.current && onEndedAll ? (
              <a href="/auth/logout" className="button secondary">
                Sign out
              </a>
            ) : (
              <button
                type="button"
                className="button secondary"
                disabled={busy}
                onClick={() => void end(api.endOne(session.id), "DELETE")}
              >
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
      <div className="actions">
        {api.endOthers ? (
          <button
            type="button"
            className="button secondary"
            disabled={busy || others === 0}
            onClick={() => void end(api.endOthers!, "POST")}
          >
            Sign out all other sessions
          </button>
        ) : null}
        <button
          type="button"
          className="button danger"
          disabled={busy || sessions.length === 0}
          onClick={() => void end(api.endAll, "POST", true)}
        >
          {onEndedAll ? "Sign out everywhere" : "Sign out all sessions"}
        </button>
      </div>
    </>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A plain outline of the device kind (no image requests, no inline styles: the CSP). */
function DeviceIcon({ kind }: { kind: string }) {
  const phone = kind === "phone" || kind === "watch";
  const tablet = kind === "tablet";
  return (
    <svg className="device-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      {phone ? (
        <rect x="7" y="2.5" width="10" height="19" rx="2" />
      ) : tablet ? (
        <rect x="4" y="2.5" width="16" height="19" rx="2" />
      ) : (
        <>
          <rect x="3" y="4" width="18" height="12" rx="1.5" />
          <path d="M8 20h8M12 16v4" />
        </>
      )}
    </svg>
  );
}
