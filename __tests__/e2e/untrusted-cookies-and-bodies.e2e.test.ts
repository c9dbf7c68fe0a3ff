/*
 * The built app against what an attacker sends it (issue 16, findings 3 to 5): session
 * cookies no reader may accept, back-channel logout bodies too large or too slow,
 * cross-site calls dressed as typed URLs, and the image optimiser. Requests are raw
 * HTTP (fetch, or node:http where the body must be chunked or stall), the Redis keys
 * are checked where a session must have ended.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import type { Redis } from "ioredis";
import { HttpAgent } from "../support/http-agent";
import { logInOverHttp } from "../../dev/harness/http-agent";
import { testUsers } from "../support/login";
import { startE2eEnv, type E2eEnv } from "../support/e2e-env";
import { eventually } from "../support/eventually";
import { clearPrefix, keysUnder } from "../support/test-redis";

jest.setTimeout(120_000);

let env: E2eEnv;
let redis: Redis;
let prefix: string;
let app: string;

beforeAll(async () => {
  env = await startE2eEnv();
  ({ redis, prefix } = env);
  app = env.stack.appUrls[0]!;
});

afterAll(async () => {
  await env?.close();
});

const liveSessions = async () => (await keysUnder(redis, `${prefix}session:`)).length;

/** A fresh sign-in of `user` over HTTP: its `__session` cookie's value. */
async function signIn(user: (typeof testUsers)[keyof typeof testUsers]): Promise<string> {
  const agent = new HttpAgent();
  await logInOverHttp(agent, app, user);
  const cookie = agent.cookies().get("__session");
  if (!cookie) throw new Error("the sign-in set no session cookie");
  return cookie;
}

/** A GET with exactly this Cookie header (and `headers`), redirects not followed. */
function get(path: string, cookie: string, headers: Record<string, string> = {}) {
  return fetch(`${app}${path}`, { headers: { ...headers, cookie }, redirect: "manual" });
}

describe("session cookies no reader accepts", () => {
  let alice: string;
  let bob: string;

  beforeEach(async () => {
    // A clean slate: each test counts the sessions it leaves.
    await clearPrefix(redis, prefix);
    alice = await signIn(testUsers.alice);
    bob = await signIn(testUsers.bob);
    expect(await liveSessions()).toBe(2);
  });

  it("treats appSession as no session, and reads the session cookie beside it", async () => {
    expect((await get("/api/me", `appSession=${bob}`)).status).toBe(401);
    const both = await get("/api/me", `appSession=${bob}; __session=${alice}`);
    expect(((await both.json()) as { user: { sub: string } }).user.sub).toBe(
      testUsers.alice.sub,
    );
    expect((await get("/auth/profile", `appSession=${bob}`)).status).toBe(401);
  });

  it("treats two session cookies as no session, on pages, API routes and auth routes", async () => {
    const copies = `__session=${bob}; __session=${alice}`;
    expect((await get("/api/me", copies)).status).toBe(401);
    expect((await get("/auth/profile", copies)).status).toBe(401);
    const page = await get("/profile", copies);
    expect([307, 302]).toContain(page.status);
    expect(page.headers.get("location")).toContain("/auth/login");
  });

  it("a logout with appSession ends the session it holds and the user's own", async () => {
    const logout = await get("/auth/logout", `appSession=${bob}; __session=${alice}`);
    expect(logout.status).toBe(307);
    expect(logout.headers.getSetCookie().join("\n")).toMatch(/^appSession=;/m);
    await eventually(liveSessions, (count) => count === 0);
  });

  it("a logout with two session cookies ends both sessions", async () => {
    const logout = await get("/auth/logout", `__session=${alice}; __session=${bob}`);
    expect(logout.status).toBe(307);
    await eventually(liveSessions, (count) => count === 0);
  });
});

describe("Sec-Fetch-Site: none with another site's Origin", () => {
  it("is refused by the sessions API and by logout, and ends nothing", async () => {
    const alice = await signIn(testUsers.alice);
    const before = await liveSessions();
    const forged = { "sec-fetch-site": "none", origin: "https://evil.example" };
    const endOthers = await fetch(`${app}/api/sessions/end-others`, {
      method: "POST",
      headers: { ...forged, cookie: `__session=${alice}` },
    });
    expect(endOthers.status).toBe(403);
    expect(await endOthers.json()).toEqual({ error: "cross_site_request" });
    expect((await get("/auth/logout", `__session=${alice}`, forged)).status).toBe(403);
    expect(await liveSessions()).toBe(before);
  });
});

/** A chunked POST to the back-channel logout; `send` writes the body and ends it. */
function chunkedLogoutPost(
  send: (write: (chunk: string | Buffer) => void, end: () => void) => void,
): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${app}/auth/backchannel-logout`,
      {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "transfer-encoding": "chunked",
        },
      },
      (res: IncomingMessage) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started });
          req.destroy();
        });
      },
    );
    // The server may answer and stop reading before the body is sent: not a failure.
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET") reject(error);
    });
    send(
      (chunk) => req.write(chunk),
      () => req.end(),
    );
  });
}

// Next 16 sends the proxy's answer to a request with a body only once that body has
// ended (it waits for the whole of it, to replay it to a route the proxy might pass the
// request on to), so each client here ends its body; one that never does gets its
// answer never, or a 408 from Node's `requestTimeout` (docs/decisions/0007).
describe("the back-channel logout's body limits, chunked", () => {
  it("answers a 1 MB chunked body 400 'too large', having judged only its start", async () => {
    const answer = await chunkedLogoutPost((write, end) => {
      write("logout_token=");
      const kilobyte = Buffer.alloc(1024, "a");
      for (let i = 0; i < 1024; i++) write(kilobyte);
      end();
    });
    expect(answer.status).toBe(400);
    // Next's copy stops at 80 KB, as though the body ended there: still over 16 KB.
    expect(answer.body).toBe("invalid_request: the body is too large\n");
    expect(answer.ms).toBeLessThan(3_000);
  });

  it("answers a body that sends a few bytes and stalls 400 by the 5 s idle timeout, once it ends", async () => {
    const stallMs = 6_500;
    const answer = await chunkedLogoutPost((write, end) => {
      write("logout_token=");
      setTimeout(end, stallMs);
    });
    expect(answer.status).toBe(400);
    // The idle timeout judged it: read whole, "logout_token=" holds no token at all.
    expect(answer.body).toBe("invalid_request: the body stopped arriving\n");
    // Not before the client ended its body: the day Next answers sooner, this fails,
    // and the bound can go back to "at 5 s".
    expect(answer.ms).toBeGreaterThanOrEqual(stallMs - 100);
    expect(answer.ms).toBeLessThan(stallMs + 3_000);
  });
});

describe("image optimisation", () => {
  it("is off: /_next/image answers 404 and fetches nothing", async () => {
    const response = await fetch(`${app}/_next/image?url=%2Ffavicon.ico&w=64&q=75`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type") ?? "").not.toMatch(/^image\//);
  });
});
