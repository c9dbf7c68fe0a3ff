import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { SignInUnavailable } from "../../components/SignInUnavailable";
import { signedOutLocallyPage } from "../../lib/http/error-page";
import { signInUnavailablePage } from "../../lib/http/unavailable";

describe("the 503 page of the HTTP edge (signInUnavailablePage)", () => {
  it("names the sign-in service when the provider is down", async () => {
    const page = signInUnavailablePage("provider", "/auth/login");
    expect(page.status).toBe(503);
    const body = await page.text();
    expect(body).toContain("Sign-in is temporarily unavailable");
    expect(body).toContain("The sign-in service cannot be reached right now.");
    expect(body).not.toContain("session");
  });

  it("names the session store when it is down", async () => {
    const body = await signInUnavailablePage("session_store", "/auth/login").text();
    expect(body).toContain("Our session store is not answering");
    expect(body).not.toContain("sign-in service");
  });

  it("links to the retry path and asks clients to retry soon, never caching the page", async () => {
    const page = signInUnavailablePage("provider", "/auth/login");
    expect(await page.text()).toContain(
      '<a class="button" href="/auth/login">Try again</a>',
    );
    expect(page.headers.get("retry-after")).toBe("5");
    expect(page.headers.get("cache-control")).toBe("no-store");
  });
});

describe("the page after a logout the provider could not take part in", () => {
  it("says the user is signed out here and may still be signed in at the provider, with a 200", async () => {
    const page = signedOutLocallyPage();
    expect(page.status).toBe(200);
    expect(page.headers.get("location")).toBeNull();
    const body = await page.text();
    expect(body).toContain("<h1>You are signed out of this app</h1>");
    expect(body).toContain(
      "The sign-in service could not be reached, so you may still be signed in there.",
    );
    expect(body).toContain('<a href="/">Home</a>');
  });
});

describe("the 503 page of a protected page (SignInUnavailable)", () => {
  const render = (props: Parameters<typeof SignInUnavailable>[0]) =>
    renderToStaticMarkup(createElement(SignInUnavailable, props));

  it("names the session store by default, the one outage failClosedPage renders it for", () => {
    const html = render({});
    expect(html).toContain("Our session store is not answering");
    expect(html).toContain('data-down="session_store"');
  });

  it("names the sign-in service when the provider is down", () => {
    const html = render({ down: "provider" });
    expect(html).toContain("The sign-in service cannot be reached right now.");
    expect(html).not.toContain("session store");
  });
});
