import type { UnavailableService } from "../lib/http/unavailable";

const messages: Record<UnavailableService, string> = {
  provider:
    "The sign-in service cannot be reached right now. Please try again in a moment.",
  session_store:
    "Our session store is not answering, so we cannot check your session right now. Please try again in a moment.",
};

/**
 * Shown instead of a protected page while sign-in cannot work (status 503), naming what
 * is down.
 */
export function SignInUnavailable({
  down = "session_store",
}: {
  /** @default "session_store" (the only outage `failClosedPage` renders this for) */
  down?: UnavailableService;
}) {
  return (
    <section
      className="card"
      role="alert"
      data-testid="sign-in-unavailable"
      data-down={down}
    >
      <h1>Sign-in is temporarily unavailable</h1>
      <p>{messages[down]}</p>
      <p>
        <a href="" className="button">
          Try again
        </a>
      </p>
    </section>
  );
}
