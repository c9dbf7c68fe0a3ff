/**
 * A browser-like HTTP client for tests that need hundreds of round trips: a cookie jar
 * (by name, like a browser for one host, whatever the port) and redirects followed by
 * hand so each hop can be inspected.
 */
export class HttpAgent {
  private readonly jar = new Map<string, string>();

  /** Cookies the agent holds, name → value. */
  cookies(): ReadonlyMap<string, string> {
    return this.jar;
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) {
      headers.set(
        "cookie",
        [...this.jar].map(([name, value]) => `${name}=${value}`).join("; "),
      );
    }
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) this.remember(line);
    return response;
  }

  /**
   * Follows redirects from `url` until `stop` says so or a non-redirect answers.
   * Returns every hop's URL and the last response.
   */
  async follow(
    url: string,
    stop: (next: URL) => boolean = () => false,
    maxHops = 15,
  ): Promise<{ hops: string[]; response: Response; next?: URL }> {
    const hops = [url];
    let current = url;
    for (let hop = 0; hop < maxHops; hop++) {
      const response = await this.request(current);
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location)
        return { hops, response };
      await response.arrayBuffer();
      const next = new URL(location, current);
      if (stop(next)) return { hops, response, next };
      current = next.toString();
      hops.push(current);
    }
    throw new Error(`more than ${maxHops} redirects: ${hops.join(" → ")}`);
  }

  private remember(setCookie: string): void {
    const [pair = "", ...attributes] = setCookie.split(";");
    const eq = pair.indexOf("=");
    if (eq < 1) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => {
      const [key = "", val = ""] = a.split("=").map((s) => s.trim().toLowerCase());
      return (
        (key === "max-age" && Number(val) <= 0) ||
        (key === "expires" && Date.parse(val) < Date.now())
      );
    });
    if (expired || value === "") this.jar.delete(name);
    else this.jar.set(name, value);
  }
}

/** Parses one Set-Cookie line into its name and attributes (lower-cased keys). */
export function parseSetCookie(line: string): {
  name: string;
  attributes: Record<string, string | true>;
} {
  const [pair = "", ...rest] = line.split(";");
  const attributes: Record<string, string | true> = {};
  for (const part of rest) {
    const [key = "", ...value] = part.split("=");
    attributes[key.trim().toLowerCase()] = value.length ? value.join("=").trim() : true;
  }
  return { name: pair.slice(0, pair.indexOf("=")).trim(), attributes };
}

/** Signs in at the local provider's login form, from the page `loginPageUrl`. */
export async function submitProviderLogin(
  agent: HttpAgent,
  loginPageUrl: string,
  credentials: { username: string; password: string },
): Promise<Response> {
  const page = await agent.request(loginPageUrl);
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no login form at ${loginPageUrl}`);
  return agent.request(new URL(action.replace(/&amp;/g, "&"), loginPageUrl).toString(), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(credentials).toString(),
  });
}

/**
 * The provider's side of a sign-in in `agent`: from `authorizeUrl` to the login form,
 * filled with `credentials`, and on until `isCallback` matches (the app's callback).
 * `formShown` is false when a provider session answered without the form.
 */
export async function signInAtProvider(
  agent: HttpAgent,
  authorizeUrl: string,
  credentials: { username: string; password: string },
  isCallback: (url: URL) => boolean,
): Promise<{ callback: URL; formShown: boolean }> {
  const toForm = await agent.follow(authorizeUrl, isCallback);
  if (toForm.next) return { callback: toForm.next, formShown: false };
  await toForm.response.arrayBuffer();
  const formPage = toForm.hops[toForm.hops.length - 1]!;
  const submitted = await submitProviderLogin(agent, formPage, credentials);
  const location = submitted.headers.get("location");
  if (!location)
    throw new Error(`the provider answered the login form with ${submitted.status}`);
  const toCallback = await agent.follow(
    new URL(location, formPage).toString(),
    isCallback,
  );
  if (!toCallback.next)
    throw new Error(
      `the sign-in never reached the callback: ${toCallback.hops.join(" → ")}`,
    );
  return { callback: toCallback.next, formShown: true };
}

/**
 * The whole login round trip over HTTP: the app's `/auth/login`, the provider's form,
 * back to the app's callback. Afterwards `agent` holds the app's session cookie.
 */
export async function logInOverHttp(
  agent: HttpAgent,
  appUrl: string,
  credentials: { username: string; password: string },
): Promise<void> {
  const app = new URL(appUrl);
  const { callback } = await signInAtProvider(
    agent,
    `${app.origin}/auth/login`,
    credentials,
    (url) => url.origin === app.origin && url.pathname === "/auth/callback",
  );
  const answer = await agent.request(callback.toString());
  await answer.arrayBuffer();
  if (answer.status !== 307)
    throw new Error(`the app's callback answered ${answer.status}, not 307`);
}
