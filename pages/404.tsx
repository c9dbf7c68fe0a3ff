import Head from "next/head";
import Link from "next/link";

/** Next's own 404 styles itself inline, which the CSP (`style-src 'self'`) refuses. */
export default function NotFound() {
  return (
    <>
      <Head>
        <title>Page not found · Auth0 · Redis sessions</title>
      </Head>
      <section className="card" data-testid="not-found">
        <h1>Page not found</h1>
        <p>There is no page at this address. The link may be mistyped or out of date.</p>
        <p>
          <Link href="/" className="button">
            Go to the home page
          </Link>
        </p>
      </section>
    </>
  );
}
