/*
 * The contract of every seam in lib/sdk (the app's assumptions about the SDK's internals)
 * against the installed SDK: its own cookie encoder, session store, guards, error
 * classes and hook runner. The provider is answered in this process at the network edge
 * (the SDK's public `customFetch`). Each failure starts with `SDK seam "<export>"
 * changed:`, naming what to revisit in lib/sdk after an upgrade. Seams that need sockets
 * or Redis: __tests__/integration/sdk-contract.int.test.ts.
 */
import { hkdfSync } from "node:crypto";
import { type IncomingMessage, ServerResponse } from "node:http";
import * as sdkErrors from "@auth0/nextjs-auth0/errors";
import { Auth0Client } from "@auth0/nextjs-auth0/server";
import type { SessionData } from "@auth0/nextjs-auth0/types";
import { decodeProtectedHeader, jwtDecrypt } from "jose";
import { NextRequest } from "next/server";
// The SDK's internals the seams are about: not exported, so reached by their files.
import { AuthClient } from "../../node_modules/@auth0/nextjs-auth0/dist/server/auth-client.js";
import {
  decrypt,
  encrypt,
  getChunkedCookie,
  RequestCookies,
} from "../../node_modules/@auth0/nextjs-auth0/dist/server/cookies.js";
import { LEGACY_COOKIE_NAME } from "../../node_modules/@auth0/nextjs-auth0/dist/server/session/normalize-session.js";
import { makeSession } from "../../dev/harness/session-fixtures";
import { keepRolesInUser } from "../../lib/admin/user-roles";
import * as seams from "../../lib/sdk";
import { sessionCookieReader } from "../../lib/session/session-cookie";
import { RequestSessionClient } from "../../lib/session/request-session-client";
import {
  appClient,
  cookieName,
  domain,
  expectSeam,
  fingerprintOf,
  inProcessProvider,
  loginCookie,
  MemoryStore,
  now,
  pagesRequest,
  secret,
} from "../support/sdk-contract";

describe("the session cookie", () => {
  it("is sealed by the SDK as the dir/A256GCM JWE, under the HKDF key, that the app derives", async () => {
    const { cookie } = await loginCookie(new MemoryStore(), makeSession());
    await expectSeam("sessionCookieEncryption", async () => {
      const { alg, enc, hkdfDigest, hkdfSalt, hkdfInfo, keyBytes } =
        seams.sessionCookieEncryption;
      expect(decodeProtectedHeader(cookie)).toMatchObject({ alg, enc });
      const key = new Uint8Array(
        hkdfSync(hkdfDigest, secret, hkdfSalt, hkdfInfo, keyBytes),
      );
      await expect(jwtDecrypt(cookie, key)).resolves.toBeDefined();
    });
  });

  it("holds the store's id of the session, which the app's reader returns", async () => {
    const store = new MemoryStore();
    const { cookie, id } = await loginCookie(store, makeSession());
    await expectSeam("statefulSessionCookieOf", async () => {
      const { payload } = (await decrypt<object>(cookie, secret))!;
      expect(seams.statefulSessionCookieOf(payload)).toEqual({ id, exp: payload.exp });
      expect(sessionCookieReader(secret)(cookie)).toBe(id);
    });
  });

  it("expires for the app's reader in the same second it expires for the SDK", async () => {
    const tolerance = seams.sessionCookieClockToleranceSeconds;
    const at = now();
    const judged = async (exp: number) => {
      const cookie = await encrypt({ id: "s1" }, secret, exp);
      const sdk = await decrypt<{ id: string }>(cookie, secret, {
        currentDate: new Date(at * 1000),
      });
      return {
        sdk: sdk?.payload.id ?? null,
        app: sessionCookieReader(secret, () => at)(cookie),
      };
    };
    await expectSeam("sessionCookieClockToleranceSeconds", async () => {
      expect(await judged(at - tolerance + 1)).toEqual({ sdk: "s1", app: "s1" });
      expect(await judged(at - tolerance)).toEqual({ sdk: null, app: null });
    });
  });
});

/** The SDK functions whose checks needsSdkSessionChecks mirrors, as reviewed (v4.30.0). */
const reviewedSessionChecks: Record<string, string> = {
  "server/client.js getSession": "2c4df3144b2d9df6",
  "server/auth-client.js getSessionWithDomainCheck": "e2b1069832ae4bea",
  "server/session/stateful-session-store.js get": "e659c0dca8eaf639",
  "server/session/normalize-session.js normalizeStatefulSession": "f67c675a7ead4503",
};

describe("the getSession override", () => {
  it("defers to the SDK on exactly the checks its reviewed getSession makes", async () => {
    await expectSeam("needsSdkSessionChecks", () => {
      for (const [where, reviewed] of Object.entries(reviewedSessionChecks)) {
        const [file, method] = where.split(" ") as [string, string];
        const installed = fingerprintOf(file, method);
        if (installed !== reviewed) {
          throw new Error(
            `${where} is not the code reviewed (${reviewed}, now ${installed}): read it, make needsSdkSessionChecks hand over any session it judges, then record the new fingerprint`,
          );
        }
      }
    });
  });

  const base = makeSession();
  const mcd = (of: string) =>
    withInternal(base, { mcd: { domain: of, issuer: `https://${of}/` } });
  const ceiling = (inSeconds: number) =>
    withInternal(base, { sessionExpiresAt: now() + inSeconds });
  // `stored` under the id the cookie names (none: gone); `cookie`: the Cookie header.
  const cases: Array<{ with: string; stored?: SessionData; cookie?: string }> = [
    { with: "a current session", stored: base },
    { with: "no cookie", stored: base, cookie: "" },
    { with: "a garbage cookie", stored: base, cookie: `${cookieName}=garbage` },
    { with: "a session gone from the store" },
    { with: "a session of another custom domain", stored: mcd("other.example.com") },
    { with: "a session of this domain", stored: mcd(domain) },
    { with: "a session past its IdP ceiling", stored: ceiling(-60) },
    { with: "a session within its IdP ceiling", stored: ceiling(3600) },
    { with: "a v3 session", stored: v3Session(base) },
  ];

  it.each(cases)("answers as the SDK's own getSession with $with", async (c) => {
    type Read = (client: RequestSessionClient, req: IncomingMessage) => Promise<unknown>;
    const answer = async (read: Read) => {
      const store = new MemoryStore();
      if (c.stored) await store.set("s1", c.stored);
      const sealed = await encrypt({ id: "s1" }, secret, now() + 3600);
      const req = pagesRequest(c.cookie ?? `${cookieName}=${sealed}`);
      return read(appClient(store), req).catch((error: Error) => error.name);
    };
    const [app, sdk] = [
      await answer((client, req) => client.getSession(req)),
      await answer((client, req) => Auth0Client.prototype.getSession.call(client, req)),
    ];
    await expectSeam("needsSdkSessionChecks", () => expect(app).toEqual(sdk));
  });

  it("is what the SDK's guards call, and they follow its answer", async () => {
    const client = appClient(new MemoryStore());
    const read = jest.spyOn(client, seams.sdkGuardSessionMethod);
    const req = pagesRequest();
    const res = Object.assign(new ServerResponse(req), {
      status: jest.fn().mockReturnThis(),
      json: jest.fn(),
    });
    const handler = jest.fn();
    await expectSeam("sdkGuardSessionMethod", async () => {
      read.mockImplementation(async () => null);
      await client.withApiAuthRequired(handler)(req as never, res as never);
      const page = await client.withPageAuthRequired()({
        req,
        res,
        resolvedUrl: "/p",
      } as never);
      expect([handler.mock.calls.length, res.status.mock.calls]).toEqual([0, [[401]]]);
      expect(page).toMatchObject({
        redirect: { destination: "/auth/login?returnTo=%2Fp" },
      });
      read.mockImplementation(async () => base);
      await client.withApiAuthRequired(handler)(req as never, res as never);
      expect(handler).toHaveBeenCalledTimes(1);
      expect(read.mock.calls).toEqual([[req], [req], [req]]);
    });
  });
});

function withInternal(session: SessionData, extra: object): SessionData {
  return { ...session, internal: { ...session.internal, ...extra } };
}

/** `session` as the SDK's v3 wrote it, which v4 still reads from a store. */
function v3Session({ user, tokenSet }: SessionData): SessionData {
  const data = { user, idToken: tokenSet.idToken, refreshToken: tokenSet.refreshToken };
  return { header: { iat: now(), uat: now(), exp: now() + 3600 }, data } as never;
}

describe("SDK errors", () => {
  it("exist under each name the app matches, with that name and a string code", async () => {
    const made = (): Record<seams.SdkErrorName, Error> => ({
      AccessTokenError: new sdkErrors.AccessTokenError("missing_session", "m"),
      OAuth2Error: new sdkErrors.OAuth2Error({ code: "invalid_grant" }),
    });
    await expectSeam("sdkErrorNames", () => {
      for (const name of seams.sdkErrorNames) expect(made()[name].name).toBe(name);
    });
    await expectSeam("isSdkError", () => {
      for (const name of seams.sdkErrorNames)
        expect([name, seams.isSdkError(made()[name], name)]).toEqual([name, true]);
    });
  });

  it("carry a refused refresh as an AccessTokenError caused by the provider's OAuth2Error", async () => {
    const store = new MemoryStore();
    const { cookie } = await loginCookie(store, makeSession());
    const refused = () => Response.json({ error: "invalid_grant" }, { status: 400 });
    const client = appClient(store, {
      customFetch: inProcessProvider(refused).fetch,
    });
    const req = pagesRequest(`${cookieName}=${cookie}`);
    const error: unknown = await client
      .getAccessToken(req, new ServerResponse(req), { refresh: true })
      .catch((thrown: unknown) => thrown);
    const noSession: unknown = await client
      .getAccessToken(pagesRequest(), new ServerResponse(req))
      .catch((thrown: unknown) => thrown);
    await expectSeam("findSdkError", () => {
      expect([
        seams.findSdkError(error, "AccessTokenError")?.code,
        seams.findSdkError(error, "OAuth2Error")?.code,
        seams.findSdkError(noSession, "AccessTokenError")?.code,
      ]).toEqual(["failed_to_refresh_token", "invalid_grant", "missing_session"]);
    });
  });
});

describe("the roles hook (beforeSessionSaved)", () => {
  it("replaces the SDK's default claim filter, which the app applies itself", async () => {
    const session = makeSession();
    session.user = { ...session.user, at_hash: "x", nonce: "n", "https://x/roles": [] };
    const finalize = (hook?: (s: SessionData) => Promise<SessionData>) =>
      AuthClient.prototype.finalizeSession.call(
        { beforeSessionSaved: hook } as unknown as AuthClient,
        structuredClone(session),
      );
    const hooked = await finalize(keepRolesInUser("https://x/roles"));
    await expectSeam("defaultSessionUser", async () => {
      expect((await finalize()).user).toEqual(seams.defaultSessionUser(session.user));
      expect(hooked).toEqual({
        ...session,
        user: { ...seams.defaultSessionUser(session.user), roles: [] },
      });
    });
  });
});

describe("the SDK's cookie parser", () => {
  it("reads the pairs and values the app splits and decodes, the last of two copies winning", async () => {
    const headers = [
      "a=1; b=2",
      "a=1;b=2;;  c=%41",
      "a=%E0%A4%A; a=2",
      "a=1; a=2",
      "a=1; b =2",
      "a=1;   b=2; ",
      "a=1;;; ;b=2;",
    ];
    for (const header of headers) {
      const app = new Map<string, string>();
      for (const pair of seams.splitCookieHeader(header).filter(Boolean)) {
        const at = pair.indexOf("=");
        const value = seams.decodeCookieValue(pair.slice(at + 1));
        if (value !== undefined) app.set(pair.slice(0, at), value);
      }
      const next = new NextRequest("http://app.test/", { headers: { cookie: header } });
      for (const parser of [
        new RequestCookies(new Headers({ cookie: header })),
        next.cookies,
      ]) {
        const read = new Map(parser.getAll().map((c) => [c.name, c.value]));
        await expectSeam("splitCookieHeader", () => {
          expect([header, [...read.keys()]]).toEqual([header, [...app.keys()]]);
        });
        await expectSeam("decodeCookieValue", () => {
          expect([header, read]).toEqual([header, app]);
        });
      }
    }
  });

  it("falls back to appSession and its chunks, the names the app refuses", async () => {
    const chunked = new RequestCookies(
      new Headers({ cookie: "appSession__0=a; appSession__1=b; appSession.0=c" }),
    );
    await expectSeam("legacySessionCookieName", () => {
      expect(LEGACY_COOKIE_NAME).toBe(seams.legacySessionCookieName);
    });
    await expectSeam("legacySessionCookieNames", () => {
      expect(getChunkedCookie(LEGACY_COOKIE_NAME, chunked, false)).toBe("ab");
      expect(getChunkedCookie(LEGACY_COOKIE_NAME, chunked, true)).toBe("c");
      for (const { name } of chunked.getAll())
        expect([name, seams.legacySessionCookieNames.test(name)]).toEqual([name, true]);
    });
  });
});
