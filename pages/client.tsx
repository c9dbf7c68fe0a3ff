import { useUser, withPageAuthRequired } from "@auth0/nextjs-auth0";
import { UserCard } from "../components/UserCard";

function ClientPage() {
  const { user } = useUser();
  return (
    <>
      <h1>Client-side page</h1>
      <p className="muted">
        Guarded in the browser: the SDK asks <code>/auth/profile</code> and sends you to
        log in when there is no session. The server-rendered pages are the stronger guard.
      </p>
      {user ? <UserCard user={user} /> : null}
    </>
  );
}

export default withPageAuthRequired(ClientPage, {
  onRedirecting: () => <p className="muted">Sending you to log in…</p>,
  onError: () => <p role="alert">Could not check your session. Try again in a moment.</p>,
});
