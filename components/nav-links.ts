import type { User } from "@auth0/nextjs-auth0/types";

/** A link of the site's navigation. */
export interface NavLink {
  href: string;
  label: string;
}

const forEveryone: readonly NavLink[] = [
  { href: "/profile", label: "Profile" },
  { href: "/dashboard", label: "Dashboard" },
  { href: "/client", label: "Client" },
  { href: "/invoices", label: "Invoices" },
  { href: "/sessions", label: "Sessions" },
];

const forAdministrators: readonly NavLink[] = [
  { href: "/admin/sessions", label: "Admin" },
];

/**
 * The navigation's links for `user` (from `useUser`): everyone's, and "Admin" when the
 * user's `roles` (lib/admin/user-roles.ts copies them from the ID token's roles claim)
 * hold `admin`. Only what the menu shows: /admin/sessions checks the role itself.
 */
export function navLinksFor(user: User | null | undefined): NavLink[] {
  return isAdministrator(user)
    ? [...forEveryone, ...forAdministrators]
    : [...forEveryone];
}

function isAdministrator(user: User | null | undefined): boolean {
  const roles: unknown = user?.roles;
  return Array.isArray(roles) && roles.includes("admin");
}
