import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import type { Redis } from "ioredis";
import { startOtlpReceiver, type OtlpReceiver } from "../support/otlp-receiver";
import { projectRoot } from "../support/processes";
import { appSecret, baseEnv, clientId, clientSecret } from "../support/stack";
import { clearPrefix, connectTestRedis } from "../support/test-redis";

jest.setTimeout(60_000);

const probeScript = path.join(projectRoot, "__tests__/support/tracing-probe.ts");

let receiver: OtlpReceiver;
let redis: Redis;
let prefix: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  ({ redis, prefix } = connectTestRedis());
});

afterEach(() => {
  receiver.requests.length = 0;
});

afterAll(async () => {
  await receiver.close();
  await clearPrefix(redis, prefix);
  await redis.quit();
});

/** The app's start-up hook in a process of its own, with `otelEnv` as its only OTEL_* variables. */
async function runStartup(
  otelEnv: Record<string, string>,
  extraEnv: Record<string, string> = {},
): Promise<{ loadedByStartup: string[]; output: string }> {
  const env: NodeJS.ProcessEnv = baseEnv();
  for (const name of Object.keys(env)) if (name.startsWith("OTEL_")) delete env[name];
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", probeScript],
    {
      cwd: projectRoot,
      timeout: 45_000,
      env: {
        ...env,
        NEXT_RUNTIME: "nodejs",
        AUTH0_DOMAIN: "http://localhost:4999",
        AUTH0_CLIENT_ID: clientId,
        AUTH0_CLIENT_SECRET: clientSecret,
        AUTH0_SECRET: appSecret,
        APP_BASE_URL: "http://localhost:3999",
        REDIS_URL: process.env.REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        METRICS_PORT: "0",
        LOG_LEVEL: "warn",
        ...otelEnv,
        ...extraEnv,
      },
    },
  );
  const line = stdout.split("\n").find((text) => text.startsWith("PROBE "));
  if (!line) throw new Error(`the probe printed no result:\n${stdout}\n${stderr}`);
  return {
    ...(JSON.parse(line.slice("PROBE ".length)) as { loadedByStartup: string[] }),
    output: stdout + stderr,
  };
}

describe("tracing at start-up", () => {
  it("loads no OpenTelemetry SDK, exporter or instrumentation when no OTLP endpoint is set", async () => {
    const { loadedByStartup } = await runStartup({
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    });
    // The API alone (no-op without an SDK) may be there: prom-client loads it for exemplars.
    expect(loadedByStartup.filter((name) => name !== "@opentelemetry/api")).toEqual([]);
    expect(receiver.requests).toEqual([]);
  });

  it("with OTEL_EXPORTER_OTLP_ENDPOINT and http/protobuf, loads the SDK first and exports protobuf to /v1/traces", async () => {
    const value = randomBytes(16).toString("hex");
    const { loadedByStartup } = await runStartup(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      },
      { PROBE_REDIS_KEY: `${prefix}probe`, PROBE_REDIS_VALUE: value },
    );
    expect(loadedByStartup).toEqual(
      expect.arrayContaining([
        "@opentelemetry/sdk-node",
        "@opentelemetry/instrumentation-ioredis",
        "@opentelemetry/exporter-trace-otlp-proto",
      ]),
    );
    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const request of receiver.requests) {
      expect(request.path).toBe("/v1/traces");
      expect(request.contentType).toBe("application/x-protobuf");
      // Strings travel as plain UTF-8 in protobuf: the service name is there, the value not.
      expect(request.body.includes("auth0-nextjs-redis")).toBe(true);
      expect(request.body.includes(value)).toBe(false);
    }
  });

  it("with OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, http/json and OTEL_SERVICE_NAME, exports Redis spans that name the command only", async () => {
    const value = randomBytes(16).toString("hex");
    const key = `${prefix}probe:${randomBytes(8).toString("hex")}`;
    await runStartup(
      {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/custom/traces`,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_SERVICE_NAME: "probe-service",
      },
      { PROBE_REDIS_KEY: key, PROBE_REDIS_VALUE: value },
    );
    expect(await redis.get(key)).toBe(value);
    expect(receiver.requests.map((r) => [r.path, r.contentType])).toContainEqual([
      "/custom/traces",
      "application/json",
    ]);
    const spans = receiver.spans();
    const redisSpan = spans.find(
      (span) => span.scope === "@opentelemetry/instrumentation-ioredis",
    );
    expect(redisSpan).toMatchObject({
      name: "set",
      attributes: { "db.query.text": "set", "db.system.name": "redis" },
      resource: { "service.name": "probe-service" },
    });
    const parent = spans.find((span) => span.name === "probe");
    expect(redisSpan?.parentSpanId).toBe(parent?.spanId);
    const everything = receiver.requests.map((r) => r.body.toString("utf8")).join("\n");
    expect(everything).not.toContain(value);
    expect(everything).not.toContain(key.slice(prefix.length));
  });
});
