import { createServer } from "node:http";
import { closeServer, listenOnLoopback } from "./local-provider";

/** One export request as it arrived. */
export interface OtlpRequest {
  path: string;
  contentType: string;
  body: Buffer;
}

/** A span of an OTLP/JSON export, its attributes decoded into plain values. */
export interface ReceivedSpan {
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  /** The instrumentation scope: `@opentelemetry/instrumentation-http`, `next.js`… */
  scope: string;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  links: { attributes: Record<string, unknown> }[];
  resource: Record<string, unknown>;
}

/**
 * A real OTLP/HTTP receiver on a loopback port, for the app to export its traces to: it
 * accepts every POST (at `/v1/traces`, or wherever OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * points), answers 200, and keeps each request. JSON bodies (`http/json`) are decoded
 * as ExportTraceServiceRequest; protobuf ones are kept as bytes.
 */
export interface OtlpReceiver {
  /** The value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  requests: OtlpRequest[];
  /** Every span of every JSON export received so far. */
  spans(): ReceivedSpan[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: OtlpRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const contentType = req.headers["content-type"] ?? "";
      if (req.method !== "POST") {
        res.writeHead(405).end();
        return;
      }
      requests.push({ path: req.url ?? "", contentType, body: Buffer.concat(chunks) });
      // An empty ExportTraceServiceResponse: `{}` in JSON, no bytes in protobuf.
      if (contentType.startsWith("application/json")) {
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      } else {
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      }
    });
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    requests,
    spans: () =>
      requests
        .filter((request) => request.contentType.startsWith("application/json"))
        .flatMap((request) =>
          spansOf(JSON.parse(request.body.toString("utf8")) as ExportTraceServiceRequest),
        ),
    close: () => closeServer(server),
  };
}

// The OTLP/JSON encoding of ExportTraceServiceRequest, as far as the tests read it.
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}
interface OtlpSpan {
  name: string;
  kind?: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes?: KeyValue[];
  events?: { name: string; attributes?: KeyValue[] }[];
  links?: { attributes?: KeyValue[] }[];
}
interface ExportTraceServiceRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[];
  }[];
}

function spansOf(request: ExportTraceServiceRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = decodeAttributes(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => ({
        name: span.name,
        kind: span.kind ?? 0,
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? "",
        scope: scopeSpans.scope?.name ?? "",
        attributes: decodeAttributes(span.attributes),
        events: (span.events ?? []).map((event) => ({
          name: event.name,
          attributes: decodeAttributes(event.attributes),
        })),
        links: (span.links ?? []).map((link) => ({
          attributes: decodeAttributes(link.attributes),
        })),
        resource,
      })),
    );
  });
}

function decodeAttributes(attributes: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries(
    (attributes ?? []).map(({ key, value }) => [key, decodeValue(value)]),
  );
}

function decodeValue(value: AnyValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(decodeValue);
  if (value.kvlistValue) return decodeAttributes(value.kvlistValue.values);
  return (
    value.stringValue ??
    value.boolValue ??
    value.intValue ??
    value.doubleValue ??
    value.bytesValue
  );
}
