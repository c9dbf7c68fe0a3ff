import { auth0 } from "../../lib/auth0";
import { protectedGetRoute } from "../../lib/http/protected-api-route";

export default protectedGetRoute(async (req, res) => {
  const session = await auth0.getSession(req);
  res.status(200).json({ user: session?.user });
});
