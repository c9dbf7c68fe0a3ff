import { findUserSub } from "../../../../lib/admin/find-user";
import { queryValue, sessionsApiRoute } from "../../../../lib/your-sessions/api-route";
import { listSessions } from "../../../../lib/your-sessions/sessions-of-user";

/** `GET /api/admin/sessions?user=<email or sub>`: that user's sessions (admins only). */
export default sessionsApiRoute(
  { methods: ["GET"], endsSessions: false, adminOnly: true },
  async ({ req, res, currentId }) => {
    const sub = await findUserSub(queryValue(req.query.user));
    if (sub === null) {
      res.status(404).json({ error: "user_not_found" });
      return;
    }
    res.status(200).json({ user: { sub }, sessions: await listSessions(sub, currentId) });
  },
);
