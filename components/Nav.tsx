import Link from "next/link";
import { useUser } from "@auth0/nextjs-auth0";

/** Site navigation; shows who is logged in, from the SDK's `/auth/profile` (SWR). */
export function Nav() {
  const { user, isLoading } = useUser();
  return (
    <header className="nav">
      <Link href="/" className="brand">
        Auth0 · Redis sessions
      </Link>
      <nav>
        <Link href="/profile">Profile</Link>
        <Link href="/dashboard">Dashboard</Link>
        <Link href="/client">Client</Link>
        <Link href="/invoices">Invoices</Link>
        <Link href="/sessions">Sessions</Link>
      </nav>
      <div className="who" aria-live="polite">
        {isLoading ? null : user ? (
          <>
            <span data-testid="nav-user">{user.name ?? user.email ?? user.sub}</span>
            {/* A plain link: logout is a full navigation through the SDK's route. */}
            <a href="/auth/logout" className="button secondary">
              Log out
            </a>
          </>
        ) : (
          <a href="/auth/login" className="button">
            Log in
          </a>
        )}
      </div>
    </header>
  );
}
