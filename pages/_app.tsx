import type { AppProps } from "next/app";
import Head from "next/head";
import { Auth0Provider } from "@auth0/nextjs-auth0";
import type { User } from "@auth0/nextjs-auth0/types";
import { Nav } from "../components/Nav";
import { SignInUnavailable } from "../components/SignInUnavailable";
import "../styles/globals.css";

export default function App({
  Component,
  pageProps,
}: AppProps<{ user?: User; signInUnavailable?: true }>) {
  return (
    // A page whose server already knows the user hands it over, so `useUser` starts
    // with it instead of asking `/auth/profile` again.
    <Auth0Provider user={pageProps.user}>
      <Head>
        <title>Auth0 · Next.js · Redis sessions</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="/favicon.ico" sizes="any" />
      </Head>
      <Nav />
      <main className="main">
        {pageProps.signInUnavailable ? (
          <SignInUnavailable />
        ) : (
          <Component {...pageProps} />
        )}
      </main>
    </Auth0Provider>
  );
}
