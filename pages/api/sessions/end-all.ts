import { answerEnded, sessionsApiRoute } from "../../../lib/your-sessions/api-route";
import { endSessions } from "../../../lib/your-sessions/sessions-of-user";

/** `POST /api/sessions/end-all`: ends every session of the caller, this one included. */
export default sessionsApiRoute(
  { methods: ["POST"], endsSessions: true, adminOnly: false },
  async ({ res, session, currentId }) => {
    const sub = session.user.sub;
    const outcome = await endSessions({
      actor: sub,
      target: sub,
      which: "all",
      currentId,
    });
    answerEnded(res, outcome, false);
  },
);
