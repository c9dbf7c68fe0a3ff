import { ConfigError } from "../errors";

/** `service.name` of the traces unless `OTEL_SERVICE_NAME` (or `OTEL_RESOURCE_ATTRIBUTES`) names one. */
export const defaultServiceName = "auth0-nextjs-redis";

/** The OTLP transports the OpenTelemetry SDK offers, as `OTEL_EXPORTER_OTLP_PROTOCOL` names them. */
const otlpProtocols = ["http/protobuf", "http/json", "grpc"] as const;
export type OtlpProtocol = (typeof otlpProtocols)[number];

type Environment = Readonly<Record<string, string | undefined>>;

/** What tracing needs to know before it loads the SDK; the SDK reads every other `OTEL_*` itself. */
export interface TracingSettings {
  /** Where spans go, for the start-up log line (the exporter reads it from the environment). */
  endpoint: string;
  protocol: OtlpProtocol;
  /** `undefined` when the environment names the service itself. */
  serviceName: string | undefined;
}

/**
 * Whether, and how, to trace, from the standard OpenTelemetry variables. Tracing is on
 * only when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` is
 * set; `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` keep it off all the same.
 * @returns undefined when tracing is off.
 * @throws {ConfigError} naming the variable, for an endpoint that is not an http(s) URL,
 *   an unknown protocol, or an exporter other than `otlp`.
 */
export function tracingSettings(env: Environment): TracingSettings | undefined {
  const endpointVariable = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()
    ? "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
    : "OTEL_EXPORTER_OTLP_ENDPOINT";
  const endpoint = env[endpointVariable]?.trim();
  if (!endpoint) return undefined;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return undefined;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() || "otlp";
  if (exporter === "none") return undefined;
  if (exporter !== "otlp") {
    throw ConfigError.of(
      "OTEL_TRACES_EXPORTER",
      `is "${exporter}": this app exports traces over OTLP only (otlp, or none for no traces).`,
    );
  }
  if (!isHttpUrl(endpoint)) {
    throw ConfigError.of(
      endpointVariable,
      "must be the http:// or https:// URL of an OTLP receiver, e.g. http://otel-collector:4318.",
    );
  }
  return {
    endpoint,
    protocol: otlpProtocol(env),
    serviceName: namesService(env) ? undefined : defaultServiceName,
  };
}

function otlpProtocol(env: Environment): OtlpProtocol {
  const variable = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim()
    ? "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
    : "OTEL_EXPORTER_OTLP_PROTOCOL";
  // The SDK's default, as the OpenTelemetry specification sets it for Node.js.
  const value = env[variable]?.trim() || "http/protobuf";
  const protocol = otlpProtocols.find((known) => known === value);
  if (protocol) return protocol;
  throw ConfigError.of(variable, `must be one of ${otlpProtocols.join(", ")}.`);
}

function namesService(env: Environment): boolean {
  if (env.OTEL_SERVICE_NAME?.trim()) return true;
  return (env.OTEL_RESOURCE_ATTRIBUTES ?? "")
    .split(",")
    .some((pair) => pair.split("=", 1)[0]?.trim() === "service.name");
}

function isHttpUrl(value: string): boolean {
  const url = URL.parse(value);
  return url?.protocol === "http:" || url?.protocol === "https:";
}
