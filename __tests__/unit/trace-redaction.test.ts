import type { NodeSDKConfiguration } from "@opentelemetry/sdk-node";
import {
  RedactingSpanExporter,
  redactSpan,
} from "../../lib/telemetry/redacting-exporter";
import { redactAttributes, redactText } from "../../lib/telemetry/redaction";

type SpanExporter = NodeSDKConfiguration["traceExporter"];
type ReadableSpan = Parameters<SpanExporter["export"]>[0][number];

const code = "Zq3-authorization-code-8f2";
const state = "st4te-value-0123456789";
const idToken =
  "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhdXRoMHxhbGljZSIsInNpZCI6InMxIn0.c2lnbmF0dXJl";

function span(overrides: Partial<ReadableSpan> = {}): ReadableSpan {
  const context = { traceId: "1".repeat(32), spanId: "2".repeat(16), traceFlags: 1 };
  return {
    name: `GET /auth/callback?code=${code}&state=${state}`,
    kind: 1,
    spanContext: () => context,
    parentSpanContext: undefined,
    startTime: [1, 0],
    endTime: [2, 0],
    status: { code: 0 },
    attributes: {},
    links: [],
    events: [],
    duration: [1, 0],
    ended: true,
    resource: {} as ReadableSpan["resource"],
    instrumentationScope: { name: "test" },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...overrides,
  };
}

describe("redacting what traces carry", () => {
  it("strips the query string from paths, URLs and span names", () => {
    expect(redactText(`/auth/callback?code=${code}&state=${state}`)).toBe(
      "/auth/callback",
    );
    expect(
      redactText(`http://localhost:3000/auth/callback?code=${code}&state=${state}`),
    ).toBe("http://localhost:3000/auth/callback");
    expect(redactText(`GET /auth/callback?code=${code}`)).toBe("GET /auth/callback");
    expect(redactText("/auth/login")).toBe("/auth/login");
  });

  it("drops url.query, headers, cookies and authorization attributes whole", () => {
    expect(
      redactAttributes({
        "url.query": `code=${code}`,
        "http.request.header.cookie": ["__session=abc"],
        "http.response.header.set-cookie": ["__session=abc"],
        "http.request.header.authorization": ["Bearer x"],
        "app.cookie": "x",
        "url.path": "/auth/callback",
      }),
    ).toEqual({ "url.path": "/auth/callback" });
  });

  it("keeps only the command of a Redis statement, old and new attribute names", () => {
    expect(
      redactAttributes({
        "db.statement": "hgetall auth0:session:{abc123}",
        "db.query.text": "evalsha 1f2e 2 auth0:session:{abc} token-value",
        "db.operation.name": "evalsha",
      }),
    ).toEqual({
      "db.statement": "hgetall",
      "db.query.text": "evalsha",
      "db.operation.name": "evalsha",
    });
  });

  it("masks the provider's sid in Management API session paths", () => {
    expect(redactText("https://tenant.example.com/api/v2/sessions/sid-4711")).toBe(
      "https://tenant.example.com/api/v2/sessions/{sid}",
    );
    expect(redactText("/api/v2/sessions/sid-4711/revoke")).toBe(
      "/api/v2/sessions/{sid}/revoke",
    );
  });

  it("masks a compact JWE with an empty key part, as the SDK's session cookie is", () => {
    const jwe = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXZpdml2aXZp.Y2lwaGVy.dGFndGFn";
    expect(redactText(`failed to read ${jwe} here`)).toBe("failed to read [jwt] here");
  });

  it("removes credentials from URLs and masks JWTs", () => {
    expect(redactText("redis://user:s3cret@redis:6379")).toBe("redis://redis:6379");
    expect(redactText(`invalid token ${idToken} received`)).toBe(
      "invalid token [jwt] received",
    );
  });

  it("leaves numbers, booleans and clean strings as they are, and redacts strings in arrays and maps", () => {
    expect(
      redactAttributes({
        "http.status_code": 302,
        "next.rsc": false,
        "http.route": "/api/sessions/[id]",
        list: [`/a?code=${code}`, "/b"],
        map: { url: `/c?state=${state}`, mixed: [1, `/d?code=${code}`, null] },
      }),
    ).toEqual({
      "http.status_code": 302,
      "next.rsc": false,
      "http.route": "/api/sessions/[id]",
      list: ["/a", "/b"],
      map: { url: "/c", mixed: [1, "/d", null] },
    });
  });

  it("redacts a span's name, attributes, status, events and links, and leaves the span untouched", () => {
    const original = span({
      attributes: { "http.target": `/auth/callback?code=${code}` },
      status: { code: 2, message: `failed on /auth/callback?state=${state}` },
      events: [
        {
          name: "exception",
          time: [1, 5],
          attributes: { "exception.message": `bad ${idToken}` },
        },
      ],
      links: [
        {
          context: { traceId: "3".repeat(32), spanId: "4".repeat(16), traceFlags: 1 },
          attributes: { "url.full": `http://x/?state=${state}` },
        },
      ],
    });
    const redacted = redactSpan(original);
    expect(redacted.name).toBe("GET /auth/callback");
    expect(redacted.attributes).toEqual({ "http.target": "/auth/callback" });
    expect(redacted.status).toEqual({ code: 2, message: "failed on /auth/callback" });
    expect(redacted.events[0]?.attributes).toEqual({ "exception.message": "bad [jwt]" });
    expect(redacted.links[0]?.attributes).toEqual({ "url.full": "http://x/" });
    expect(redacted.spanContext()).toBe(original.spanContext());
    expect(JSON.stringify(redacted)).not.toContain(code);
    expect(original.attributes["http.target"]).toBe(`/auth/callback?code=${code}`);
  });

  it("hands the exporter it wraps redacted copies and passes its result back", async () => {
    const exported: ReadableSpan[] = [];
    const inner: SpanExporter = {
      export: (spans, done) => {
        exported.push(...spans);
        done({ code: 0 });
      },
      shutdown: async () => {},
    };
    const exporter = new RedactingSpanExporter(inner);
    const result = await new Promise((resolve) => exporter.export([span()], resolve));
    expect(result).toEqual({ code: 0 });
    expect(exported.map((s) => s.name)).toEqual(["GET /auth/callback"]);
    await expect(exporter.forceFlush()).resolves.toBeUndefined();
  });
});
