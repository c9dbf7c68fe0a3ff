import type { User } from "@auth0/nextjs-auth0/types";
import { auth0 } from "../lib/auth0";
import { UserCard } from "../components/UserCard";
import { failClosedPage } from "../lib/http/fail-closed";

export default function Profile({ user }: { user: User }) {
  return (
    <>
      <h1>Profile</h1>
      <p className="muted">
        Rendered on the server, guarded by the SDK&apos;s withPageAuthRequired.
      </p>
      <UserCard user={user} />
    </>
  );
}

export const getServerSideProps = failClosedPage(auth0.withPageAuthRequired());
