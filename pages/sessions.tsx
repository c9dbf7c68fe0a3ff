import type { GetServerSidePropsContext } from "next";
import { SessionList } from "../components/SessionList";
import { auth0 } from "../lib/auth0";
import { failClosedPage } from "../lib/http/fail-closed";
import { isProviderManagementConfigured } from "../lib/provider/management";
import { listSessions, type SessionView } from "../lib/your-sessions/sessions-of-user";

interface Props {
  sessions: SessionView[];
  now: number;
  providerManagement: boolean;
}

const api = {
  list: "/api/sessions",
  endOne: (id: string) => `/api/sessions/${encodeURIComponent(id)}`,
  endOthers: "/api/sessions/end-others",
  endAll: "/api/sessions/end-all",
  page: "/sessions",
};

/** Every device the user is signed in on, and a way to sign any of them out. */
export default function Sessions({ sessions, now, providerManagement }: Props) {
  return (
    <>
      <h1>Your sessions</h1>
      <p className="muted">
        The devices signed in to your account. If you do not recognise one, sign it out.
      </p>
      <SessionList
        api={api}
        initial={sessions}
        now={now}
        providerManagement={providerManagement}
        // Everywhere means the provider too: its logout ends this browser's sign-in there.
        onEndedAll={() => window.location.assign("/auth/logout")}
      />
    </>
  );
}

export const getServerSideProps = failClosedPage(
  auth0.withPageAuthRequired({
    returnTo: "/sessions",
    async getServerSideProps({ req }: GetServerSidePropsContext) {
      const session = await auth0.getSession(req);
      if (!session)
        return {
          redirect: { destination: "/auth/login?returnTo=/sessions", permanent: false },
        };
      return {
        props: {
          sessions: await listSessions(session.user.sub, auth0.getSessionId(req)),
          now: Date.now(),
          providerManagement: isProviderManagementConfigured(),
        } satisfies Props,
      };
    },
  }),
);
