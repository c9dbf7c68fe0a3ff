import { Auth0Client } from "@auth0/nextjs-auth0/server";
import type {
  GetAccessTokenOptions,
  PagesRouterResponse,
  SessionData,
  SessionDataStore,
} from "@auth0/nextjs-auth0/types";
import type { NextResponse } from "next/server";
import {
  cookieHeaderOf,
  readSessionCookies,
  withCookieHeader,
  type SessionCookies,
} from "../http/session-cookies";
import { needsSdkSessionChecks } from "../sdk/session-checks";
import { sharedSessionRead } from "./read-scope";
import { sessionCookieReader } from "./session-cookie";

type Auth0ClientOptions = ConstructorParameters<typeof Auth0Client>[0];
type SessionRequest = Parameters<Auth0Client["getSession"]>[0];
type AccessToken = Awaited<ReturnType<Auth0Client["getAccessToken"]>>;

/**
 * The SDK's client with a `getSession` that costs one cookie decryption and one Redis
 * round trip per request, however many times a request asks: the SDK's guards
 * (`withApiAuthRequired`, `withPageAuthRequired`; `sdkGuardSessionMethod` in lib/sdk)
 * and the handler each ask. The common case, a current session cookie, is read here
 * with a key derived once per process; a cookie this cannot read, or a session the SDK
 * must judge itself (`needsSdkSessionChecks`), goes to the SDK's own `getSession`.
 * Callers only read what it returns.
 *
 * Every read here, and every request handed to the SDK, takes the session cookie as
 * {@link readSessionCookies} rules: the configured name, present once. The SDK itself
 * would also take `appSession`, and would pick another of two copies than this does.
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

  /** The request's session cookies, as every reader in this app must take them. */
  sessionCookiesOf(req: SessionRequest): SessionCookies {
    return readSessionCookies(cookieHeaderOf(req), this.cookieName);
  }

  /**
   * The store's id of the request's session, from its cookie: what marks "this device"
   * among a user's sessions. `null` without a cookie this can read (the SDK's
   * `getSession` still reads such a session; it is then simply not marked).
   */
  getSessionId(req: SessionRequest): string | null {
    const cookie = this.sessionCookiesOf(req).accepted;
    return cookie === undefined ? null : this.readSessionId(cookie);
  }

  override getSession(): Promise<SessionData | null>;
  override getSession(req: SessionRequest): Promise<SessionData | null>;
  override getSession(req?: SessionRequest): Promise<SessionData | null> {
    if (!req) return super.getSession();
    const cookies = this.sessionCookiesOf(req);
    const cookie = cookies.accepted;
    // No session cookie that counts: the SDK, handed the same request, finds none either.
    if (cookie === undefined) return Promise.resolve(null);
    const forSdk = cookies.header === null ? req : withCookieHeader(req, cookies.header);
    return sharedSessionRead(`sdk-session:${cookie}`, async () => {
      const id = this.readSessionId(cookie);
      if (id === null) return super.getSession(forSdk);
      const session = await this.store.get(id);
      if (!session) return null;
      return needsSdkSessionChecks(session) ? super.getSession(forSdk) : session;
    });
  }

  /**
   * The SDK's `getAccessToken`, handed the request as {@link readSessionCookies} rules:
   * it reads the session (and, on a refresh, writes it back) from the request's cookies
   * itself, not through `getSession`.
   */
  override getAccessToken(options?: GetAccessTokenOptions): Promise<AccessToken>;
  override getAccessToken(
    req: SessionRequest,
    res: PagesRouterResponse | NextResponse,
    options?: GetAccessTokenOptions,
  ): Promise<AccessToken>;
  override getAccessToken(
    reqOrOptions?: SessionRequest | GetAccessTokenOptions,
    res?: PagesRouterResponse | NextResponse,
    options?: GetAccessTokenOptions,
  ): Promise<AccessToken> {
    if (res === undefined) {
      return super.getAccessToken(reqOrOptions as GetAccessTokenOptions | undefined);
    }
    const req = reqOrOptions as SessionRequest;
    const { header } = this.sessionCookiesOf(req);
    return super.getAccessToken(
      header === null ? req : withCookieHeader(req, header),
      res,
      options,
    );
  }

  /**
   * Ends the sessions that `cookies` name and this app's secret authenticates (expired or
   * forged ones name none), as a logout must for the cookies it refused: each is a
   * session this browser holds. Resolves to how many ids were found.
   */
  async endSessionsOfCookies(cookies: readonly string[]): Promise<number> {
    const ids = new Set<string>();
    for (const cookie of cookies) {
      const id = this.readSessionId(cookie);
      if (id !== null) ids.add(id);
    }
    await Promise.all([...ids].map((id) => this.store.delete(id)));
    return ids.size;
  }
}
