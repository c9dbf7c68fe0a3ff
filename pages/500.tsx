import Head from "next/head";
import Link from "next/link";

/** Shown when a page fails on the server; says nothing of the error itself. */
export default function ServerError() {
  return (
    <>
      <Head>
        <title>Something went wrong · Auth0 · Redis sessions</title>
      </Head>
      <section className="card" role="alert" data-testid="server-error">
        <h1>Something went wrong</h1>
        <p>
          This page could not be shown because of an error on our side. Please try again
          in a moment.
        </p>
        <p className="actions">
          {/* An empty href reloads the page that failed. */}
          <a href="" className="button">
            Try again
          </a>
          <Link href="/" className="button secondary">
            Go to the home page
          </Link>
        </p>
      </section>
    </>
  );
}
