import type { GetServerSideProps, GetServerSidePropsContext, NextApiHandler } from "next";
import { isSessionStoreUnavailable } from "../errors";
import { log } from "../log";
import { withSharedSessionReads } from "../session/read-scope";

/** Props of a page rendered while sessions cannot be read (see `_app`). */
export interface UnavailableProps {
  signInUnavailable: true;
}

/**
 * Wraps a page's `getServerSideProps` so that its reads of the session share one Redis
 * round trip (see session/read-scope.ts), and so that an outage of the session store renders a
 * 503 "sign-in is temporarily unavailable" page: never the protected content, never a
 * stack trace, and never "logged out" (which would send the user into a login loop).
 */
export function failClosedPage<P extends Record<string, unknown>>(
  getServerSideProps: GetServerSideProps<P>,
): GetServerSideProps<P | UnavailableProps> {
  return async (ctx: GetServerSidePropsContext) => {
    try {
      return await withSharedSessionReads(() => getServerSideProps(ctx));
    } catch (error) {
      if (!isSessionStoreUnavailable(error)) throw error;
      log.error(
        { event: "session_store_unavailable", path: ctx.resolvedUrl },
        "session store unavailable",
      );
      ctx.res.statusCode = 503;
      ctx.res.setHeader("Cache-Control", "no-store");
      ctx.res.setHeader("Retry-After", "5");
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
      log.error(
        { event: "session_store_unavailable", path: req.url },
        "session store unavailable",
      );
      res.setHeader("Cache-Control", "no-store");
      res.setHeader("Retry-After", "5");
      res.status(503).json({ error: "temporarily_unavailable" });
    }
  };
}
