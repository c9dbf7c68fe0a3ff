import { createHash, timingSafeEqual } from "node:crypto";

export interface TestUser {
  username: string;
  /** Shown on the login page: this is a development tool, not a vault. */
  password: string;
  sub: string;
  profile: {
    name: string;
    nickname: string;
    email: string;
    email_verified: boolean;
  };
  /** Auth0 RBAC roles; an Action copies them into the ID token's roles claim. */
  roles: readonly string[];
}

export const TEST_USERS: readonly TestUser[] = [
  {
    username: "alice",
    password: "alice-password",
    sub: "auth0|alice",
    profile: {
      name: "Alice Example",
      nickname: "alice",
      email: "alice@example.com",
      email_verified: true,
    },
    roles: [],
  },
  {
    username: "bob",
    password: "bob-password",
    sub: "auth0|bob",
    profile: {
      name: "Bob Example",
      nickname: "bob",
      email: "bob@example.com",
      email_verified: true,
    },
    roles: [],
  },
  {
    username: "admin",
    password: "admin-password",
    sub: "auth0|admin",
    profile: {
      name: "Ada Admin",
      nickname: "admin",
      email: "admin@example.com",
      email_verified: true,
    },
    roles: ["admin"],
  },
];

export function findUserBySub(sub: string): TestUser | undefined {
  return TEST_USERS.find((user) => user.sub === sub);
}

/** Accepts a username (`alice`) or a full subject (`auth0|alice`). */
export function findUser(usernameOrSub: string): TestUser | undefined {
  return TEST_USERS.find(
    (user) => user.username === usernameOrSub || user.sub === usernameOrSub,
  );
}

function sameSecret(a: string, b: string): boolean {
  // Hashing first gives equal lengths, which timingSafeEqual requires.
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export function checkCredentials(
  username: string,
  password: string,
): TestUser | undefined {
  const user = TEST_USERS.find(
    (candidate) => candidate.username === username.trim().toLowerCase(),
  );
  return user && sameSecret(user.password, password) ? user : undefined;
}

/**
 * The claims a user can have; oidc-provider filters them by the granted scopes. `use` is
 * `"id_token"` or `"userinfo"`: like an Auth0 Action's `api.idToken.setCustomClaim`, the
 * roles go into the ID token only, and only for a user who has roles.
 */
export function userClaims(
  user: TestUser,
  use: string,
  rolesClaim: string,
): Record<string, unknown> {
  const roles =
    use === "id_token" && user.roles.length > 0 ? { [rolesClaim]: [...user.roles] } : {};
  return { sub: user.sub, ...user.profile, ...roles };
}
