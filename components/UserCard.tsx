import type { User } from "@auth0/nextjs-auth0/types";

/** The signed-in user's identity claims. */
export function UserCard({ user }: { user: User }) {
  return (
    <section className="card" data-testid="user-card">
      <h2 data-testid="user-name">{user.name ?? user.nickname ?? user.sub}</h2>
      <dl>
        <dt>Email</dt>
        <dd data-testid="user-email">{user.email ?? "—"}</dd>
        <dt>Subject</dt>
        <dd>
          <code data-testid="user-sub">{user.sub}</code>
        </dd>
      </dl>
    </section>
  );
}
