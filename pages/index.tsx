import { useUser } from "@auth0/nextjs-auth0";

export default function Home() {
  const { user, isLoading } = useUser();
  return (
    <>
      <h1>Auth0 in front of Next.js, sessions in Redis</h1>
      <p>
        This page is public. The others need a session: <a href="/profile">/profile</a> is
        guarded by the SDK on the server, <a href="/dashboard">/dashboard</a> by a
        hand-written server guard, <a href="/client">/client</a> in the browser.
      </p>
      {isLoading ? (
        <p className="muted">Checking your session…</p>
      ) : user ? (
        <p data-testid="home-status">
          You are logged in as <strong>{user.name ?? user.sub}</strong>.{" "}
          <a href="/auth/logout">Log out</a>
        </p>
      ) : (
        <p data-testid="home-status">
          You are not logged in. <a href="/auth/login">Log in</a>
        </p>
      )}
    </>
  );
}
