import type { NextApiRequest, NextApiResponse } from "next";
import { auth0 } from "../../lib/auth0";
import { allowMethods } from "../../lib/api-methods";

const sendUser = auth0.withApiAuthRequired(
  async (req: NextApiRequest, res: NextApiResponse) => {
    const session = await auth0.getSession(req);
    res.status(200).json({ user: session?.user });
  },
);

export default allowMethods(["GET"], (req, res) => {
  // Set first, so the 401 of an anonymous caller is not cached either.
  res.setHeader("Cache-Control", "no-store");
  return sendUser(req, res);
});
