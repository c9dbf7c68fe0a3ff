import {
  answerEnded,
  queryValue,
  sessionsApiRoute,
} from "../../../../lib/your-sessions/api-route";
import { endSessions } from "../../../../lib/your-sessions/sessions-of-user";

/** `DELETE /api/admin/sessions/{id}?user=<sub>`: ends one session of that user. */
export default sessionsApiRoute(
  { methods: ["DELETE"], endsSessions: true, adminOnly: true },
  async ({ req, res, session, currentId }) => {
    const outcome = await endSessions({
      actor: session.user.sub,
      target: queryValue(req.query.user),
      which: { one: queryValue(req.query.id) },
      currentId,
    });
    answerEnded(res, outcome, true);
  },
);
