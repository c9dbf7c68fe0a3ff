import { Auth0Client } from "@auth0/nextjs-auth0/server";
import type { SessionData, SessionDataStore } from "@auth0/nextjs-auth0/types";
import { sharedSessionRead } from "./read-scope";
import { sessionCookieReader } from "./session-cookie";

type Auth0ClientOptions = ConstructorParameters<typeof Auth0Client>[0];
type SessionRequest = Parameters<Auth0Client["getSession"]>[0];

/**
 * The SDK's client with a `getSession` that costs one cookie decryption and one Redis
 * round trip per request, however many times a request asks: the SDK's guards
 * (`withApiAuthRequired`, `withPageAuthRequired`) and the handler each ask. The common
 * case, a current session cookie, is read here with a key derived once per process;
 * everything else (no cookie, a cookie this cannot read, a session using SDK features
 * this app does not configure) goes to the SDK's own `getSession`. Callers only read
 * what it returns.
 */
export class RequestSessionClient extends Auth0Client {
  private readonly readSessionId: (cookie: string) => string | null;
  private readonly cookieName: string;
  private readonly store: SessionDataStore;

  constructor(
    options: Auth0ClientOptions & {
      secret: string;
      sessionStore: SessionDataStore;
      session: { cookie: { name: string } };
    },
  ) {
    super(options);
    this.readSessionId = sessionCookieReader(options.secret);
    this.cookieName = options.session.cookie.name;
    this.store = options.sessionStore;
  }

  /**
   * The store's id of the request's session, from its cookie: what marks "this device"
   * among a user's sessions. `null` without a cookie this can read (the SDK's
   * `getSession` still reads such a session; it is then simply not marked).
   */
  getSessionId(req: SessionRequest): string | null {
    const cookie = cookieValue(req, this.cookieName);
    return cookie === undefined ? null : this.readSessionId(cookie);
  }

  override getSession(): Promise<SessionData | null>;
  override getSession(req: SessionRequest): Promise<SessionData | null>;
  override getSession(req?: SessionRequest): Promise<SessionData | null> {
    if (!req) return super.getSession();
    const cookie = cookieValue(req, this.cookieName);
    if (cookie === undefined) return super.getSession(req);
    return sharedSessionRead(`sdk-session:${cookie}`, async () => {
      const id = this.readSessionId(cookie);
      if (id === null) return super.getSession(req);
      const session = await this.store.get(id);
      if (!session) return null;
      // Multiple custom domains and an IdP-asserted ceiling are checked by the SDK.
      const internal = session.internal as { mcd?: unknown; sessionExpiresAt?: unknown };
      if (internal.mcd !== undefined || internal.sessionExpiresAt !== undefined)
        return super.getSession(req);
      return session;
    });
  }
}

/** The value of cookie `name` in a Pages Router or Next request. */
function cookieValue(req: SessionRequest, name: string): string | undefined {
  const headers = req.headers;
  const header =
    typeof (headers as Headers).get === "function"
      ? (headers as Headers).get("cookie")
      : (headers as Record<string, string | string[] | undefined>).cookie;
  if (typeof header !== "string") return undefined;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) {
      const value = part.slice(at + 1).trim();
      return value === "" ? undefined : value;
    }
  }
  return undefined;
}
