import { createLocalJWKSet, SignJWT, type CryptoKey, type JSONWebKeySet } from "jose";
import {
  handleBackchannelLogout,
  maxBodyBytes,
  type BackchannelLogoutDeps,
} from "../../lib/backchannel-logout/handler";
import {
  backchannelLogoutEvent,
  verifyLogoutToken,
} from "../../lib/backchannel-logout/logout-token";
import type { BodyLimits } from "../../lib/http/bounded-body";
import { createTestSigningKeys } from "../support/test-signing-keys";

const issuer = "https://tenant.example.com/";
const clientId = "app-client";
const kid = "test-key";
const kilobyte = 1024;

let privateKey: CryptoKey;
let jwks: JSONWebKeySet;
const warnings: string[] = [];

beforeAll(async () => {
  ({ privateKey, jwks } = await createTestSigningKeys(kid));
});

beforeEach(() => {
  warnings.length = 0;
});

/**
 * The handler with the real verifier and this file's keys. No request here may end a
 * session: each is refused before, by its body or by the verifier.
 */
function deps(): BackchannelLogoutDeps {
  return {
    verify: (token) =>
      verifyLogoutToken(token, { issuer, clientId, keys: createLocalJWKSet(jwks) }),
    endSessions: () => Promise.reject(new Error("no request of this file ends sessions")),
    log: {
      info: () => {},
      warn: (fields) => void warnings.push((fields as { reason: string }).reason),
      error: () => {},
    },
  };
}

/** A POST whose body is `stream`, sent chunked (no Content-Length) unless `headers` say. */
function post(stream: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  return new Request("http://app.test/auth/backchannel-logout", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: stream,
    duplex: "half",
  } as RequestInit);
}

/** A body of `total` bytes in `chunkSize` pieces, made only as they are pulled. */
function countedBody(total: number, chunkSize: number) {
  const counts = { pulled: 0, bytesPulled: 0, cancelled: false };
  const chunk = new Uint8Array(chunkSize).fill("a".charCodeAt(0));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counts.bytesPulled >= total) {
        controller.close();
        return;
      }
      const size = Math.min(chunkSize, total - counts.bytesPulled);
      counts.pulled += 1;
      counts.bytesPulled += size;
      controller.enqueue(chunk.subarray(0, size));
    },
    cancel() {
      counts.cancelled = true;
    },
  });
  return { stream, counts };
}

const shortTimeouts: BodyLimits = {
  maxBytes: maxBodyBytes,
  idleTimeoutMs: 100,
  totalTimeoutMs: 400,
};

async function answer(response: Response): Promise<{ status: number; body: string }> {
  return { status: response.status, body: await response.text() };
}

describe("the back-channel logout's body limit, chunked or not", () => {
  it("stops reading a 10 MB chunked body just past 16 KB and answers 400", async () => {
    const { stream, counts } = countedBody(10 * kilobyte * kilobyte, kilobyte);
    const response = await handleBackchannelLogout(post(stream), deps());
    expect(await answer(response)).toEqual({
      status: 400,
      body: "invalid_request: the body is too large\n",
    });
    // 17 chunks of 1 KB cross the limit; the stream may have one more queued.
    expect(counts.bytesPulled).toBeGreaterThan(maxBodyBytes);
    expect(counts.bytesPulled).toBeLessThanOrEqual(maxBodyBytes + 2 * kilobyte);
    expect(counts.pulled).toBeLessThanOrEqual(18);
    expect(counts.cancelled).toBe(true);
  });

  it("refuses 16 KB and one byte, and reads exactly 16 KB through to the form", async () => {
    const over = countedBody(maxBodyBytes + 1, 4 * kilobyte);
    expect(
      await answer(await handleBackchannelLogout(post(over.stream), deps())),
    ).toEqual({ status: 400, body: "invalid_request: the body is too large\n" });
    const exact = countedBody(maxBodyBytes, 4 * kilobyte);
    expect(
      await answer(await handleBackchannelLogout(post(exact.stream), deps())),
    ).toEqual({
      status: 400,
      body: "invalid_request: the body must hold exactly one logout_token\n",
    });
    expect(exact.counts.bytesPulled).toBe(maxBodyBytes);
  });

  it("refuses a Content-Length over 16 KB without reading a byte of the body", async () => {
    const { stream, counts } = countedBody(20 * kilobyte, kilobyte);
    const response = await handleBackchannelLogout(
      post(stream, { "content-length": String(20 * kilobyte) }),
      deps(),
    );
    expect(response.status).toBe(400);
    // At most the one chunk a stream pulls to fill its queue when it is made.
    expect(counts.bytesPulled).toBeLessThanOrEqual(kilobyte);
  });

  it("reassembles a token sent in 7-byte chunks: the verifier judges its claims, so its signature held", async () => {
    const token = await new SignJWT({
      sub: "auth0|alice",
      jti: "a-jti",
      nonce: "not allowed in a logout token",
      events: { [backchannelLogoutEvent]: {} },
    })
      .setProtectedHeader({ alg: "RS256", kid, typ: "logout+jwt" })
      .setIssuer(issuer)
      .setAudience(clientId)
      .setIssuedAt()
      .setExpirationTime("2m")
      .sign(privateKey);
    const body = new TextEncoder().encode(`logout_token=${token}`);
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= body.length) return controller.close();
        controller.enqueue(body.slice(at, at + 7));
        at += 7;
      },
    });
    expect(await answer(await handleBackchannelLogout(post(stream), deps()))).toEqual({
      status: 400,
      body: "invalid_request: a logout token must not contain a nonce\n",
    });
  });
});

describe("the back-channel logout's body timeouts", () => {
  it("answers 400 once a body that sent one byte has been silent for the idle timeout", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("l"));
      },
      // Then nothing, ever: the client stalls with the request open.
      pull: () => new Promise<void>(() => {}),
      cancel() {
        cancelled = true;
      },
    });
    const started = performance.now();
    const response = await handleBackchannelLogout(post(stream), deps(), shortTimeouts);
    const elapsed = performance.now() - started;
    expect(await answer(response)).toEqual({
      status: 400,
      body: "invalid_request: the body stopped arriving\n",
    });
    expect(elapsed).toBeGreaterThanOrEqual(shortTimeouts.idleTimeoutMs - 5);
    expect(elapsed).toBeLessThan(shortTimeouts.idleTimeoutMs + 500);
    expect(cancelled).toBe(true);
  });

  it("answers 400 at the total timeout for a body trickling a byte at a time, never idle", async () => {
    let timer: NodeJS.Timeout | undefined;
    const stream = new ReadableStream<Uint8Array>({
      pull: (controller) =>
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            controller.enqueue(new TextEncoder().encode("a"));
            resolve();
          }, 20);
        }),
      cancel: () => clearTimeout(timer),
    });
    const started = performance.now();
    const response = await handleBackchannelLogout(post(stream), deps(), shortTimeouts);
    const elapsed = performance.now() - started;
    expect(await answer(response)).toEqual({
      status: 400,
      body: "invalid_request: the body took too long to arrive\n",
    });
    expect(elapsed).toBeGreaterThanOrEqual(shortTimeouts.totalTimeoutMs - 5);
    expect(elapsed).toBeLessThan(shortTimeouts.totalTimeoutMs + 500);
  });

  it("answers 400 when the body breaks off (the client went away)", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("logout_token="));
      },
      pull(controller) {
        controller.error(new Error("socket hang up"));
      },
    });
    expect(await answer(await handleBackchannelLogout(post(stream), deps()))).toEqual({
      status: 400,
      body: "invalid_request: the body could not be read\n",
    });
  });

  it("logs why each body was refused", async () => {
    const { stream } = countedBody(maxBodyBytes * 2, kilobyte);
    await handleBackchannelLogout(post(stream), deps());
    expect(warnings).toEqual(["the body is too large"]);
  });
});
