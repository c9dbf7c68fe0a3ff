import type { GetServerSideProps, GetServerSidePropsContext, NextApiHandler } from "next";
import type { NextApiResponse } from "next";
import type { NextResponse } from "next/server";
import { isSessionStoreUnavailable } from "../errors";
import { log } from "../log";
import { withSharedSessionReads } from "../session/read-scope";
import {
  signInUnavailablePage,
  unavailableHeaders,
  type UnavailableService,
} from "./unavailable";

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
