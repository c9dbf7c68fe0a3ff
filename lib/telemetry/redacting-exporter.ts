import type { NodeSDKConfiguration } from "@opentelemetry/sdk-node";
import { redactAttributes, redactText } from "./redaction";

// The SDK's own types, taken from the NodeSDK option they are passed to, so this file
// imports nothing at run time but the redaction rules.
type SpanExporter = NodeSDKConfiguration["traceExporter"];
type ReadableSpan = Parameters<SpanExporter["export"]>[0][number];
type ExportCallback = Parameters<SpanExporter["export"]>[1];

/**
 * Passes every span to `exporter` with its name, attributes, events and links redacted
 * (see redaction.ts). Here, at export, rather than in a span processor: an ended span
 * is read-only to processors, and Next.js and the instrumentations set attributes at
 * any point of a span's life (Next renames its request span and adds `next.route` as it
 * ends), so only the finished span shows all of them. Spans are copied, never changed.
 */
export class RedactingSpanExporter implements SpanExporter {
  constructor(private readonly exporter: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: ExportCallback): void {
    this.exporter.export(spans.map(redactSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  async forceFlush(): Promise<void> {
    await this.exporter.forceFlush?.();
  }
}

/** A copy of `span` as it may leave the process. */
export function redactSpan(span: ReadableSpan): ReadableSpan {
  return {
    name: redactText(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status.message
      ? { ...span.status, message: redactText(span.status.message) }
      : span.status,
    attributes: redactAttributes(span.attributes),
    links: span.links.map((link) => ({
      ...link,
      attributes: link.attributes && redactAttributes(link.attributes),
    })),
    events: span.events.map((event) => ({
      ...event,
      name: redactText(event.name),
      attributes: event.attributes && redactAttributes(event.attributes),
    })),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}
