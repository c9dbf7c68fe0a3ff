import { sessionsApiRoute } from "../../../lib/your-sessions/api-route";
import { listSessions } from "../../../lib/your-sessions/sessions-of-user";

/** `GET /api/sessions`: the caller's active sessions, this one first. */
export default sessionsApiRoute(
  { methods: ["GET"], endsSessions: false, adminOnly: false },
  async ({ res, session, currentId }) => {
    res.status(200).json({ sessions: await listSessions(session.user.sub, currentId) });
  },
);
