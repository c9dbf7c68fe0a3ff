import type { NextApiRequest, NextApiResponse } from "next";
import { auth0 } from "../../lib/auth0";
import { allowMethods } from "../../lib/api-methods";
import { failClosedApi } from "../../lib/fail-closed";

async function sendUser(req: NextApiRequest, res: NextApiResponse) {
  const session = await auth0.getSession(req);
  res.status(200).json({ user: session?.user });
}

const sendUserIfLoggedIn = auth0.withApiAuthRequired(sendUser);

export default allowMethods(
  ["GET"],
  failClosedApi((req, res) => {
    // Set first, so the 401 of an anonymous caller is not cached either.
    res.setHeader("Cache-Control", "no-store");
    return sendUserIfLoggedIn(req, res);
  }),
);
