/*
 * Every reader of the session cookie agrees on which session a request has: the app's
 * fast reader (getSessionId, getSession), the SDK's own reading behind getSession and
 * getAccessToken, and the SDK's middleware handlers (here /auth/profile), each handed
 * the request as the app hands it on (lib/http/middleware.ts `handleRequest` does the
 * same for /auth/*). The cookies are the SDK's own encryption and the sessions are in
 * the app's store on the run's Redis.
 *
 * The seam: the SDK's session store (v4.30) also reads `appSession`, and its cookie
 * parser keeps the last of two copies. If an SDK upgrade changes either, the "SDK
 * alone" expectations below fail and lib/http/session-cookies.ts must be looked at.
 */
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { randomBytes } from "node:crypto";
import { Auth0Client } from "@auth0/nextjs-auth0/server";
import { generateSessionCookie } from "@auth0/nextjs-auth0/testing";
import type { Redis } from "ioredis";
import { NextRequest } from "next/server";
import { withCookieHeader } from "../../lib/http/session-cookies";
import { sessionKeysFor } from "../../lib/session/keys";
import { RequestSessionClient } from "../../lib/session/request-session-client";
import { RedisSessionStore } from "../../lib/session/store";
import { makeSession } from "../../dev/harness/session-fixtures";
import { clearPrefix, connectTestRedis } from "../support/test-redis";

const secret = "a-32-character-or-longer-secret-for-the-session-cookie";
const appUrl = "http://app.test";
const name = "__session";

let redis: Redis;
let prefix: string;
let store: RedisSessionStore;
let client: RequestSessionClient;
let alice: string;
let mallory: string;

beforeAll(() => {
  ({ redis, prefix } = connectTestRedis());
  store = new RedisSessionStore({
    redis,
    keys: sessionKeysFor(prefix),
    lifetime: { rolling: false, absoluteDuration: 86400, inactivityDuration: 3600 },
  });
  client = new RequestSessionClient({
    domain: "tenant.example.com",
    clientId: "app-client",
    clientSecret: "app-client-secret",
    secret,
    appBaseUrl: appUrl,
    session: {
      rolling: false,
      absoluteDuration: 86400,
      cookie: { name, secure: false, sameSite: "lax" },
    },
    sessionStore: store,
  });
});

beforeEach(async () => {
  await clearPrefix(redis, prefix);
  // Alice's own session, and the one an attacker signed in to and plants in her browser.
  alice = await storedSession("auth0|alice", "sid-alice");
  mallory = await storedSession("auth0|mallory", "sid-mallory");
});

afterAll(async () => {
  await clearPrefix(redis, prefix);
  await redis.quit();
});

/** A session of `sub` in the store; its cookie value, as the SDK encrypts it. */
async function storedSession(sub: string, sid: string): Promise<string> {
  const id = randomBytes(16).toString("hex");
  await store.set(id, makeSession({ sub, sid }));
  // A stateful session's cookie holds only its id (and exp).
  return generateSessionCookie({ id }, { secret });
}

/** A Pages Router request (Node.js headers), as getServerSideProps and API routes get. */
function pagesRequest(cookie: string): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.url = "/api/me";
  req.headers = { host: "app.test", cookie };
  return req;
}

/** The sub each reader finds for a request with this Cookie header (null: none). */
async function readers(cookie: string) {
  const req = pagesRequest(cookie);
  const sessionCookies = client.sessionCookiesOf(req);
  const sdkRequest = (path: string) => {
    const next = new NextRequest(new URL(path, appUrl), { headers: { cookie } });
    return sessionCookies.header === null
      ? next
      : withCookieHeader(next, sessionCookies.header);
  };
  const profile = await client.middleware(sdkRequest("/auth/profile"));
  const accessToken = await client
    .getAccessToken(req, new ServerResponse(req))
    .then(({ token }) => token)
    .catch((error: { code?: string }) => error.code ?? "threw");
  const subOf = async (session: Promise<{ user: { sub: string } } | null>) =>
    (await session)?.user.sub ?? null;
  return {
    fastReaderId: client.getSessionId(req) !== null,
    getSession: await subOf(client.getSession(req)),
    sdkGetSession: await subOf(
      Auth0Client.prototype.getSession.call(client, sdkRequest("/")),
    ),
    sdkProfile:
      profile.status === 200 ? ((await profile.json()) as { sub: string }).sub : null,
    accessToken,
  };
}

const signedIn = (sub: string) => ({
  fastReaderId: true,
  getSession: sub,
  sdkGetSession: sub,
  sdkProfile: sub,
  accessToken: "access-token",
});

const signedOut = {
  fastReaderId: false,
  getSession: null,
  sdkGetSession: null,
  sdkProfile: null,
  accessToken: "missing_session",
};

describe("every reader finds the same session", () => {
  it("a request with the session cookie once: its session", async () => {
    expect(await readers(`${name}=${alice}`)).toEqual(signedIn("auth0|alice"));
  });

  it("a request with only appSession: none, though the SDK alone would read it", async () => {
    expect(await readers(`appSession=${mallory}`)).toEqual(signedOut);
    const sdkAlone = await Auth0Client.prototype.getSession.call(
      client,
      new NextRequest(appUrl, { headers: { cookie: `appSession=${mallory}` } }),
    );
    expect(sdkAlone?.user.sub).toBe("auth0|mallory");
  });

  it("a request with appSession beside the session cookie: the session cookie's, whatever the order", async () => {
    expect(await readers(`appSession=${mallory}; ${name}=${alice}`)).toEqual(
      signedIn("auth0|alice"),
    );
    expect(await readers(`${name}=${alice}; appSession=${mallory}`)).toEqual(
      signedIn("auth0|alice"),
    );
  });

  it("a request with two session cookies: none, in either order, though the SDK alone would read the last", async () => {
    expect(await readers(`${name}=${mallory}; ${name}=${alice}`)).toEqual(signedOut);
    expect(await readers(`${name}=${alice}; ${name}=${mallory}`)).toEqual(signedOut);
    const sdkAlone = await Auth0Client.prototype.getSession.call(
      client,
      new NextRequest(appUrl, {
        headers: { cookie: `${name}=${alice}; ${name}=${mallory}` },
      }),
    );
    expect(sdkAlone?.user.sub).toBe("auth0|mallory");
  });

  it("a request whose second copy's name carries a space: none", async () => {
    expect(await readers(`${name} =${mallory}; ${name}=${alice}`)).toEqual(signedOut);
  });
});

describe("ending the sessions of refused cookies", () => {
  it("ends each session a refused cookie names, and none for a cookie of another secret", async () => {
    const foreign = await generateSessionCookie(
      { id: "not-ours" },
      {
        secret: `${secret}-other`,
      },
    );
    const { refused } = client.sessionCookiesOf(
      pagesRequest(`${name}=${mallory}; ${name}=${alice}; appSession=${foreign}`),
    );
    expect(await client.endSessionsOfCookies(refused)).toBe(2);
    expect(await client.getSession(pagesRequest(`${name}=${alice}`))).toBeNull();
    expect(await client.getSession(pagesRequest(`${name}=${mallory}`))).toBeNull();
  });
});
