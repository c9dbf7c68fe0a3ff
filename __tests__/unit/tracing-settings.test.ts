import { ConfigError } from "../../lib/errors";
import { defaultServiceName, tracingSettings } from "../../lib/telemetry/settings";

const endpoint = "http://otel-collector:4318";

describe("tracing settings from the OTEL_* variables", () => {
  it("is off without an OTLP endpoint", () => {
    expect(tracingSettings({})).toBeUndefined();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: " " })).toBeUndefined();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" })).toBeUndefined();
  });

  it("is on with OTEL_EXPORTER_OTLP_ENDPOINT, over http/protobuf by default, as the app's service", () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })).toEqual({
      endpoint,
      protocol: "http/protobuf",
      serviceName: defaultServiceName,
    });
  });

  it("is on with OTEL_EXPORTER_OTLP_TRACES_ENDPOINT alone, which wins over the general one", () => {
    const traces = "https://collector.example.com/custom/traces";
    expect(
      tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces })?.endpoint,
    ).toBe(traces);
    expect(
      tracingSettings({
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces,
      })?.endpoint,
    ).toBe(traces);
  });

  it("takes the protocol from OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL", () => {
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint };
    expect(
      tracingSettings({ ...base, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" })?.protocol,
    ).toBe("http/json");
    expect(
      tracingSettings({
        ...base,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc",
      })?.protocol,
    ).toBe("grpc");
  });

  it("leaves the service name to OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES when they give one", () => {
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint };
    expect(
      tracingSettings({ ...base, OTEL_SERVICE_NAME: "web" })?.serviceName,
    ).toBeUndefined();
    expect(
      tracingSettings({
        ...base,
        OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod, service.name=web",
      })?.serviceName,
    ).toBeUndefined();
    expect(
      tracingSettings({
        ...base,
        OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod",
      })?.serviceName,
    ).toBe(defaultServiceName);
  });

  it("stays off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none", () => {
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint };
    expect(tracingSettings({ ...base, OTEL_SDK_DISABLED: "true" })).toBeUndefined();
    expect(tracingSettings({ ...base, OTEL_TRACES_EXPORTER: "none" })).toBeUndefined();
  });

  it("refuses an unknown protocol, exporter or a non-URL endpoint, naming the variable", () => {
    const refusal = (env: Record<string, string>) => {
      try {
        tracingSettings(env);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
        throw error;
      }
      return [];
    };
    expect(
      refusal({
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http",
      }),
    ).toEqual(["OTEL_EXPORTER_OTLP_PROTOCOL"]);
    expect(
      refusal({
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "json",
      }),
    ).toEqual(["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"]);
    expect(
      refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_TRACES_EXPORTER: "zipkin" }),
    ).toEqual(["OTEL_TRACES_EXPORTER"]);
    expect(refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: "otel-collector:4318" })).toEqual([
      "OTEL_EXPORTER_OTLP_ENDPOINT",
    ]);
    expect(refusal({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "ftp://x" })).toEqual([
      "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    ]);
  });
});
