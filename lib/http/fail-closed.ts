import type { GetServerSideProps, GetServerSidePropsContext, NextApiHandler } from "next";
import type { NextApiResponse } from "next";
import type { NextResponse } from "next/server";
import { isSessionStoreUnavailable } from "../errors";
import { log } from "../log";
import { withSharedSessionReads } from "../session/read-scope";
import { errorPageResponse } from "./error-page";
import { unavailableHeaders, type UnavailableService } from "./unavailable";

export {
  retryAfterSeconds,
  unavailableHeaders,
  type UnavailableService,
} from "./unavailable";

/**
 * Every "not now" this app answers, from one place: a 503 with `Retry-After` and
 * `Cache-Control: no-store`, and one log event naming what is down. Never a stack
 * trace, never protected content, never "signed out" (which would send the user into a
 * login loop), never a silent success.
 */

/** Logs `<service>_unavailable` (the event operators alert on) for a request to `path`. */
export function logUnavailable(
  service: UnavailableService,
  path: string | undefined,
  fields: Record<string, unknown> = {},
): void {
  log.error(
    { event: `${service}_unavailable`, path, ...fields },
    `${service === "provider" ? "provider" : "session store"} unavailable`,
  );
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

/**
 * {@link logUnavailable}, then {@link signInUnavailablePage}: what the middleware answers
 * a browser when sign-in, logout or a session cannot work now.
 */
export function signInUnavailable(
  down: UnavailableService,
  path: string,
  retryHref: string = path,
  fields: Record<string, unknown> = {},
): NextResponse {
  logUnavailable(down, path, fields);
  return signInUnavailablePage(down, retryHref);
}

/** The JSON body of every API 503: `{"error":"temporarily_unavailable"}` unless said. */
const unavailableBody = { error: "temporarily_unavailable" };

/** A 503 JSON answer as a Web `Response` (the middleware's). */
export function unavailableJsonResponse(): Response {
  return Response.json(unavailableBody, { status: 503, headers: unavailableHeaders() });
}

/** A 503 JSON answer of a Pages API route; `body` when it must say more. */
export function sendUnavailable(
  res: NextApiResponse,
  body: Record<string, unknown> = unavailableBody,
): void {
  for (const [name, value] of Object.entries(unavailableHeaders())) {
    res.setHeader(name, value);
  }
  res.status(503).json(body);
}

/** Props of a page rendered while sessions cannot be read (see `_app`). */
export interface UnavailableProps {
  signInUnavailable: true;
}

/**
 * Wraps a page's `getServerSideProps` so that its reads of the session share one Redis
 * round trip (see session/read-scope.ts), and so that an outage of the session store
 * renders a 503 "sign-in is temporarily unavailable" page.
 */
export function failClosedPage<P extends Record<string, unknown>>(
  getServerSideProps: GetServerSideProps<P>,
): GetServerSideProps<P | UnavailableProps> {
  return async (ctx: GetServerSidePropsContext) => {
    try {
      return await withSharedSessionReads(() => getServerSideProps(ctx));
    } catch (error) {
      if (!isSessionStoreUnavailable(error)) throw error;
      logUnavailable("session_store", ctx.resolvedUrl);
      ctx.res.statusCode = 503;
      for (const [name, value] of Object.entries(unavailableHeaders())) {
        ctx.res.setHeader(name, value);
      }
      return { props: { signInUnavailable: true } };
    }
  };
}

/** The same for an API route: `503 {"error":"temporarily_unavailable"}`. */
export function failClosedApi(handler: NextApiHandler): NextApiHandler {
  return async (req, res) => {
    try {
      await withSharedSessionReads(() => handler(req, res));
    } catch (error) {
      if (!isSessionStoreUnavailable(error)) throw error;
      logUnavailable("session_store", req.url);
      sendUnavailable(res);
    }
  };
}
