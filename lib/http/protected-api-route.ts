import type { NextApiHandler } from "next";
import { auth0 } from "../auth0";
import { allowMethods } from "./allow-methods";
import { failClosedApi } from "./fail-closed";

/**
 * A GET-only API route for signed-in users: `405` + `Allow` for other methods, `401`
 * JSON without a session (the SDK's `withApiAuthRequired`), `503` JSON while sessions
 * cannot be read, and `Cache-Control: no-store` on every answer.
 */
export function protectedGetRoute(handler: NextApiHandler): NextApiHandler {
  const handlerIfLoggedIn = auth0.withApiAuthRequired(handler);
  return allowMethods(
    ["GET"],
    failClosedApi((req, res) => {
      // Set first, so that the 401 of an anonymous caller is not cached either.
      res.setHeader("Cache-Control", "no-store");
      return handlerIfLoggedIn(req, res);
    }),
  );
}
