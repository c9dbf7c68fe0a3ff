import {
  answerEnded,
  queryValue,
  sessionsApiRoute,
} from "../../../../lib/your-sessions/api-route";
import { endSessions } from "../../../../lib/your-sessions/sessions-of-user";

/** `POST /api/admin/sessions/end-all?user=<sub>`: ends every session of that user. */
export default sessionsApiRoute(
  { methods: ["POST"], endsSessions: true, adminOnly: true },
  async ({ req, res, session, currentId }) => {
    const target = queryValue(req.query.user);
    if (target === "") {
      res.status(400).json({ error: "user_required" });
      return;
    }
    const outcome = await endSessions({
      actor: session.user.sub,
      target,
      which: "all",
      currentId,
    });
    answerEnded(res, outcome, false);
  },
);
