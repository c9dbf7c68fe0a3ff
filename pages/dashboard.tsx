import type { GetServerSideProps } from "next";
import type { User } from "@auth0/nextjs-auth0/types";
import { RelativeTime } from "../components/RelativeTime";
import { UserCard } from "../components/UserCard";
import { loadDashboard, type SessionSummary } from "../lib/dashboard/session-summary";
import { failClosedPage } from "../lib/http/fail-closed";

interface Props {
  user: User;
  session: SessionSummary;
}

export default function Dashboard({ user, session }: Props) {
  return (
    <>
      <h1>Dashboard</h1>
      <p className="muted">Rendered on the server by a hand-written guard.</p>
      <UserCard user={user} />
      <section className="card">
        <h2>Your session</h2>
        <dl>
          <dt>Started</dt>
          <dd>
            <RelativeTime
              dateTime={session.startedAt}
              now={session.readAt}
              testId="session-started"
            />
          </dd>
          <dt>Ends at the latest</dt>
          <dd>
            <RelativeTime
              dateTime={session.endsAt}
              now={session.readAt}
              testId="session-ends"
            />
          </dd>
          <dt>Refresh token</dt>
          <dd>{session.hasRefreshToken ? "held on the server" : "none"}</dd>
        </dl>
      </section>
    </>
  );
}

export const getServerSideProps = failClosedPage((async ({ req }) => {
  const result = await loadDashboard(req);
  if (!result.ok) {
    return {
      redirect: { destination: "/auth/login?returnTo=/dashboard", permanent: false },
    };
  }
  return { props: { user: result.user, session: result.session } };
}) satisfies GetServerSideProps<Props>);
