import {
  answerEnded,
  queryValue,
  sessionsApiRoute,
} from "../../../lib/your-sessions/api-route";
import { endSessions } from "../../../lib/your-sessions/sessions-of-user";

/** `DELETE /api/sessions/{id}`: ends one of the caller's sessions. */
export default sessionsApiRoute(
  { methods: ["DELETE"], endsSessions: true, adminOnly: false },
  async ({ req, res, session, currentId }) => {
    const sub = session.user.sub;
    const which = { one: queryValue(req.query.id) };
    answerEnded(
      res,
      await endSessions({ actor: sub, target: sub, which, currentId }),
      true,
    );
  },
);
