import { answerEnded, sessionsApiRoute } from "../../../lib/your-sessions/api-route";
import { endSessions } from "../../../lib/your-sessions/sessions-of-user";

/** `POST /api/sessions/end-others`: ends every session of the caller but this one. */
export default sessionsApiRoute(
  { methods: ["POST"], endsSessions: true, adminOnly: false },
  async ({ res, session, currentId }) => {
    if (currentId === null) {
      // A session cookie the app's reader cannot place (only the SDK could read it):
      // "all but this one" cannot be told from "all", so nothing is ended.
      res.status(409).json({ error: "current_session_unknown" });
      return;
    }
    const sub = session.user.sub;
    const outcome = await endSessions({
      actor: sub,
      target: sub,
      which: "others",
      currentId,
    });
    answerEnded(res, outcome, false);
  },
);
