import { useEffect, useRef } from "react";
import Link from "next/link";
import { useRouter } from "next/router";
import { useUser } from "@auth0/nextjs-auth0";
import { navLinksFor } from "./nav-links";

/**
 * Site navigation; shows who is logged in, from the SDK's `/auth/profile` (SWR). On a
 * narrow screen the links and the account fold into a "Menu" disclosure (`<details>`:
 * it opens with a tap, without JavaScript and without inline styles, which the CSP
 * refuses); on a wide one globals.css shows them in one row.
 */
export function Nav() {
  const { user, isLoading } = useUser();
  const menu = useRef<HTMLDetailsElement>(null);
  const router = useRouter();

  useEffect(() => {
    // The nav outlives a client-side navigation (it lives in _app): shut the menu, so
    // the next page opens with it closed, as after a full page load.
    const close = () => {
      if (menu.current) menu.current.open = false;
    };
    router.events.on("routeChangeComplete", close);
    return () => router.events.off("routeChangeComplete", close);
  }, [router.events]);

  return (
    <header className="nav">
      <Link href="/" className="brand">
        Auth0 · Redis sessions
      </Link>
      <details className="menu" ref={menu}>
        <summary>Menu</summary>
        <div className="menu-body">
          <nav>
            {navLinksFor(user).map((link) => (
              <Link key={link.href} href={link.href}>
                {link.label}
              </Link>
            ))}
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
        </div>
      </details>
    </header>
  );
}
