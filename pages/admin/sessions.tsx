import type { GetServerSidePropsContext, GetServerSidePropsResult } from "next";
import { SessionList } from "../../components/SessionList";
import { findUserSub } from "../../lib/admin/find-user";
import { hasRole } from "../../lib/admin/roles";
import { auth0 } from "../../lib/auth0";
import { getConfig } from "../../lib/config";
import { failClosedPage } from "../../lib/http/fail-closed";
import { isProviderManagementConfigured } from "../../lib/provider/management";
import { listSessions, type SessionView } from "../../lib/your-sessions/sessions-of-user";

type Props =
  | { forbidden: true }
  | {
      forbidden: false;
      search: string;
      /** The user found, or null when the search named no one known here. */
      target: { sub: string; sessions: SessionView[] } | null;
      now: number;
      providerManagement: boolean;
    };

/** Administrators find a user by email or sub and end their sessions (ASVS 7.4.5). */
export default function AdminSessions(props: Props) {
  if (props.forbidden) {
    return (
      <>
        <h1>Not allowed</h1>
        <p data-testid="admin-forbidden">
          This page is for administrators. Your account does not have the admin role.
        </p>
      </>
    );
  }
  const { search, target, now, providerManagement } = props;
  const user = target ? encodeURIComponent(target.sub) : "";
  return (
    <>
      <h1>Users&apos; sessions</h1>
      <form className="search" method="get" action="/admin/sessions" role="search">
        <label className="visually-hidden" htmlFor="user">
          Email or user id
        </label>
        <input
          id="user"
          name="user"
          type="search"
          defaultValue={search}
          placeholder="Email or user id, e.g. alice@example.com or auth0|alice"
        />
        <button type="submit" className="button">
          Find
        </button>
      </form>
      {search && !target ? (
        <p role="alert" data-testid="user-not-found">
          No user has signed in here with that email verified.
        </p>
      ) : null}
      {target ? (
        <section>
          <h2 data-testid="target-user">{target.sub}</h2>
          <SessionList
            key={target.sub}
            api={{
              list: `/api/admin/sessions?user=${user}`,
              endOne: (id) =>
                `/api/admin/sessions/${encodeURIComponent(id)}?user=${user}`,
              endAll: `/api/admin/sessions/end-all?user=${user}`,
              page: `/admin/sessions?user=${user}`,
            }}
            initial={target.sessions}
            now={now}
            providerManagement={providerManagement}
          />
        </section>
      ) : null}
    </>
  );
}

export const getServerSideProps = failClosedPage(
  auth0.withPageAuthRequired({
    returnTo: "/admin/sessions",
    async getServerSideProps({
      req,
      res,
      query,
    }: GetServerSidePropsContext): Promise<GetServerSidePropsResult<Props>> {
      const session = await auth0.getSession(req);
      if (!session || !hasRole(session, getConfig().sessions.rolesClaim, "admin")) {
        res.statusCode = 403;
        return { props: { forbidden: true } };
      }
      const search = typeof query.user === "string" ? query.user.trim() : "";
      const sub = search ? await findUserSub(search) : null;
      return {
        props: {
          forbidden: false,
          search,
          target: sub
            ? { sub, sessions: await listSessions(sub, auth0.getSessionId(req)) }
            : null,
          now: Date.now(),
          providerManagement: isProviderManagementConfigured(),
        },
      };
    },
  }),
);
