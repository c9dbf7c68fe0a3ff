import { diag, DiagLogLevel } from "@opentelemetry/api";
import { OTLPTraceExporter as OtlpGrpcTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { OTLPTraceExporter as OtlpJsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OtlpProtobufTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { IORedisInstrumentation } from "@opentelemetry/instrumentation-ioredis";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { NodeSDK, type NodeSDKConfiguration } from "@opentelemetry/sdk-node";
import { RedactingSpanExporter } from "./redacting-exporter";
import { redactText } from "./redaction";
import type { OtlpProtocol, TracingSettings } from "./settings";

/**
 * The OTLP exporter for `protocol`, as NodeSDK would pick it from the environment. It is
 * built here only because it must be wrapped in the redacting exporter; each one still
 * reads its endpoint, headers, timeout and compression from the `OTEL_EXPORTER_OTLP_*`
 * variables itself.
 */
function otlpTraceExporter(
  protocol: OtlpProtocol,
): NodeSDKConfiguration["traceExporter"] {
  switch (protocol) {
    case "http/json":
      return new OtlpJsonTraceExporter();
    case "http/protobuf":
      return new OtlpProtobufTraceExporter();
    case "grpc":
      return new OtlpGrpcTraceExporter();
  }
}

/**
 * Starts the OpenTelemetry SDK: spans for incoming requests (instrumentation-http, and
 * Next.js's own spans, which it makes once a tracer provider is registered), for Redis
 * commands (instrumentation-ioredis) and for outgoing `fetch` calls, the provider's and
 * the API's (instrumentation-undici). Traces only: no metrics or logs are exported.
 * What is never recorded: see redaction.ts.
 */
export function startTracing(settings: TracingSettings): NodeSDK {
  reportSdkProblemsToLog();
  const sdk = new NodeSDK({
    // Passed only when the environment names no service: NodeSDK puts it over the
    // resource, OTEL_SERVICE_NAME included.
    serviceName: settings.serviceName,
    traceExporter: new RedactingSpanExporter(otlpTraceExporter(settings.protocol)),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      // No `headersToSpanAttributes`: no header (Cookie, Authorization, Set-Cookie) is
      // ever recorded.
      new HttpInstrumentation(),
      new UndiciInstrumentation(),
      // The command name only: keys carry session ids and sids, values carry tokens.
      new IORedisInstrumentation({ dbStatementSerializer: (command) => command }),
    ],
  });
  sdk.start();
  flushOnTermination(sdk);
  void import("../log").then(({ log }) =>
    log.info(
      { endpoint: redactText(settings.endpoint), protocol: settings.protocol },
      "tracing on: exporting spans over OTLP",
    ),
  );
  return sdk;
}

/**
 * Next.js ends the process itself on SIGTERM and SIGINT once its server has closed; the
 * spans still buffered then are flushed meanwhile (best effort: Next does not wait for
 * it). Only beside Next's own handlers, so this never decides whether the process ends.
 */
function flushOnTermination(sdk: NodeSDK): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    if (process.listenerCount(signal) === 0) continue;
    process.once(signal, () => {
      sdk.shutdown().catch(() => {});
    });
  }
}

/**
 * Without a logger the SDK says nothing when it cannot export (a collector that is down
 * or refuses the spans): say it in the app's log, as warnings. `OTEL_LOG_LEVEL` gives
 * the SDK's own console logger instead, at that level.
 */
function reportSdkProblemsToLog(): void {
  if (process.env.OTEL_LOG_LEVEL) return;
  const warn = (message: string, ...args: unknown[]) => {
    const detail = args.map((arg) => (arg instanceof Error ? arg.message : String(arg)));
    void import("../log").then(({ log }) =>
      log.warn(
        { detail: detail.map(redactText) },
        `opentelemetry: ${redactText(message)}`,
      ),
    );
  };
  const ignore = () => {};
  diag.setLogger(
    { error: warn, warn, info: ignore, debug: ignore, verbose: ignore },
    DiagLogLevel.WARN,
  );
}
