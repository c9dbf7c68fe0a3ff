import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import type { Redis } from "ioredis";
import { startE2eEnv, type E2eEnv } from "../support/e2e-env";
import { eventually } from "../support/eventually";
import { signInAtProvider, testUsers } from "../support/login";
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from "../support/otlp-receiver";
import { projectRoot } from "../support/processes";
import { keysUnder } from "../support/test-redis";

jest.setTimeout(120_000);

const httpScope = "@opentelemetry/instrumentation-http";
const redisScope = "@opentelemetry/instrumentation-ioredis";
const fetchScope = "@opentelemetry/instrumentation-undici";
const serverKind = 2;

let receiver: OtlpReceiver;
let env: E2eEnv;
let redis: Redis;
let prefix: string;
let app: string;
let context: BrowserContext;
let page: Page;
/** Every callback URL the browser was sent to, with its code and state. */
const callbackUrls: URL[] = [];
/** Every cookie value the app set, transaction cookies included. */
const cookieValues = new Map<string, string>();
const responsesRead: Promise<void>[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  env = await startE2eEnv({
    appEnv: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_BSP_SCHEDULE_DELAY: "200",
    },
  });
  ({ redis, prefix } = env);
  app = env.stack.appUrls[0]!;
  context = await env.browser.newContext();
  page = await context.newPage();
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname === "/auth/callback") callbackUrls.push(url);
  });
  page.on("response", (response) => {
    if (!response.url().startsWith(app)) return;
    responsesRead.push(
      response.headersArray().then(
        (headers) => {
          for (const { name, value } of headers) {
            if (name.toLowerCase() !== "set-cookie") continue;
            const [pair = ""] = value.split(";");
            const at = pair.indexOf("=");
            cookieValues.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
          }
        },
        // A response the browser has let go of (a redirect superseded by the next page)
        // has no headers to read any more: what it set is in the context's cookie jar,
        // which the check below reads too.
        () => undefined,
      ),
    );
  });
});

afterAll(async () => {
  await env?.close();
  await receiver?.close();
});

/** What each span carries as text: its name, every attribute value, its events, links and resource. */
function textsOf(span: ReceivedSpan): [string, string][] {
  const entries: [string, string][] = [["name", span.name]];
  const add = (where: string, attributes: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(attributes)) {
      entries.push([`${where}${key}`, JSON.stringify(value)]);
    }
  };
  add("", span.attributes);
  for (const event of span.events) {
    entries.push(["event", event.name]);
    add(`event ${event.name}: `, event.attributes);
  }
  for (const link of span.links) add("link: ", link.attributes);
  add("resource: ", span.resource);
  return entries;
}

/** Every string of `value` (nested objects and arrays included) under a key that names a token or a sid. */
function tokensAndSids(value: unknown, key = ""): [string, string][] {
  if (typeof value === "string") return /token|sid/i.test(key) ? [[key, value]] : [];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([name, item]) =>
    tokensAndSids(item, key ? `${key}.${name}` : name),
  );
}

/** The texts `key` holds: a string's value, or a hash's field values. */
async function storedTexts(redis: Redis, key: string): Promise<string[]> {
  const type = await redis.type(key);
  if (type === "string") return [(await redis.get(key)) ?? ""];
  if (type === "hash") return Object.values(await redis.hgetall(key));
  return [];
}

/** The JSON object that `text` is or ends with (a record may open with a line of its own). */
function jsonObjectsIn(text: string): unknown[] {
  for (let at = text.indexOf("{"); at !== -1; at = text.indexOf("{", at + 1)) {
    try {
      return [JSON.parse(text.slice(at))];
    } catch {
      // not where the JSON starts
    }
  }
  return [];
}

function urlPathOf(span: ReceivedSpan): unknown {
  return span.attributes["url.path"] ?? span.attributes["http.target"];
}

/** The spans of `traceId` as an indented tree of names, scopes and attribute keys. */
function traceOutline(spans: ReceivedSpan[], traceId: string): string {
  const inTrace = spans.filter((span) => span.traceId === traceId);
  const ids = new Set(inTrace.map((span) => span.spanId));
  const lines: string[] = [];
  const walk = (parent: string, depth: number) => {
    for (const span of inTrace.filter((s) =>
      parent ? s.parentSpanId === parent : !ids.has(s.parentSpanId),
    )) {
      const keys = Object.keys(span.attributes).sort().join(", ");
      lines.push(`${"  ".repeat(depth)}${span.name} [${span.scope}] {${keys}}`);
      walk(span.spanId, depth + 1);
    }
  };
  walk("", 0);
  return lines.join("\n");
}

describe("OpenTelemetry traces of a sign-in, exported over OTLP/JSON", () => {
  it("signs alice in and shows her dashboard with tracing on", async () => {
    await page.goto(`${app}/profile`);
    await signInAtProvider(page, testUsers.alice);
    await page.waitForURL(`${app}/profile`);
    await page.goto(`${app}/dashboard`);
    await expect(page.getByTestId("user-sub").textContent()).resolves.toBe(
      testUsers.alice.sub,
    );
    expect(callbackUrls).toHaveLength(1);
  });

  it("exports the callback request, the Redis commands and the token request in one trace", async () => {
    const tokenUrl = `${env.stack.idpUrl}/oauth/token`;
    const expected = {
      callback: (s: ReceivedSpan) =>
        s.scope === httpScope && urlPathOf(s) === "/auth/callback",
      tokenRequest: (s: ReceivedSpan) =>
        s.scope === fetchScope && s.attributes["url.full"] === tokenUrl,
      redisCommand: (s: ReceivedSpan) => s.scope === redisScope,
      nextDashboard: (s: ReceivedSpan) =>
        s.scope === "next.js" && s.name === "GET /dashboard",
    };
    // Which expected spans have arrived: a failure names the missing ones.
    const arrived = () =>
      Object.fromEntries(
        Object.entries(expected).map(([name, is]) => [name, receiver.spans().some(is)]),
      );
    await eventually(
      async () => arrived(),
      (found) => Object.values(found).every(Boolean),
      20_000,
    );
    const spans = receiver.spans();
    const callback = spans.find(expected.callback)!;
    expect(callback.kind).toBe(serverKind);
    expect(callback.resource["service.name"]).toBe("auth0-nextjs-redis");

    const tokenRequest = spans.find(expected.tokenRequest)!;
    expect(tokenRequest.traceId).toBe(callback.traceId);
    expect(tokenRequest.attributes["http.request.method"]).toBe("POST");

    const redisSpans = spans.filter(expected.redisCommand);
    expect(redisSpans.some((s) => s.traceId === callback.traceId)).toBe(true);
    for (const span of redisSpans) {
      expect(span.attributes["db.query.text"]).toBe(span.name);
      expect(span.name).toMatch(/^[a-z]+$/);
    }
    // Next.js's own request span, its query string gone like every other.
    const nextCallback = spans.find(
      (s) => s.scope === "next.js" && s.attributes["http.target"] === "/auth/callback",
    );
    expect(nextCallback?.traceId).toBe(callback.traceId);

    const artifacts = path.join(projectRoot, ".test-artifacts");
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(
      path.join(artifacts, "sign-in-trace.txt"),
      `${traceOutline(spans, callback.traceId)}\n`,
    );
  });

  it("never exports a code, state, cookie, token, session id or sid", async () => {
    await Promise.all(responsesRead);
    const secrets = new Map<string, string>();
    const callback = callbackUrls[0]!;
    secrets.set("code", callback.searchParams.get("code") ?? "");
    secrets.set("state", callback.searchParams.get("state") ?? "");
    for (const [name, value] of cookieValues) secrets.set(`cookie ${name}`, value);
    for (const { name, value } of await context.cookies())
      secrets.set(`cookie ${name} (jar)`, value);
    const sessionKeys = await keysUnder(redis, `${prefix}session:`);
    sessionKeys.forEach((key, i) => {
      // The key's last part, braced (a hash tag) or not, is the store's session id.
      const idPart = key.slice(`${prefix}session:`.length).replace(/^\{(.*)\}$/, "$1");
      secrets.set(i === 0 ? "session id" : `session id ${i}`, decodeURIComponent(idPart));
    });
    for (const key of sessionKeys) {
      for (const data of (await storedTexts(redis, key)).flatMap(jsonObjectsIn)) {
        for (const [name, value] of tokensAndSids(data)) {
          secrets.set(`session data ${name}`, value);
        }
      }
    }
    // The provider's session id, as the ID token carries it.
    const idToken = secrets.get("session data tokenSet.idToken") ?? "..";
    const claims = JSON.parse(
      Buffer.from(idToken.split(".")[1] ?? "", "base64url").toString("utf8") || "{}",
    ) as { sid?: string };
    secrets.set("sid", claims.sid ?? "");
    // Whatever the run could not obtain would make this test pass for nothing.
    expect([...secrets.keys()]).toEqual(
      expect.arrayContaining([
        "code",
        "state",
        "cookie __session",
        "session id",
        "sid",
        "session data tokenSet.accessToken",
        "session data tokenSet.idToken",
        "session data tokenSet.refreshToken",
      ]),
    );
    for (const [label, value] of secrets) {
      if (!label.startsWith("cookie ") || value !== "")
        expect([label, value.length >= 8]).toEqual([label, true]);
    }

    const leaks: string[] = [];
    const spans = receiver.spans();
    expect(spans.length).toBeGreaterThan(20);
    for (const span of spans) {
      for (const [where, text] of textsOf(span)) {
        for (const [label, value] of secrets) {
          if (value && text.includes(value))
            leaks.push(`${label} in ${span.name}: ${where}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    // The raw exports too, byte for byte, whatever the decoding above reads.
    const exported = receiver.requests.map((r) => r.body.toString("utf8")).join("\n");
    for (const [label, value] of secrets) {
      if (value) expect([label, exported.includes(value)]).toEqual([label, false]);
    }
  });
});
