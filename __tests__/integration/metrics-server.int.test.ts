import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { freePort } from "../../dev/harness/free-port";
import { countLogin } from "../../lib/metrics/registry";
import { listenForMetrics, startMetricsServer } from "../../lib/metrics/server";

/** A logger that keeps what it is told, for the test to read. */
function recordingLog() {
  const lines: Array<{ level: string; fields: object; message: string }> = [];
  return {
    lines,
    info: (fields: object, message: string) =>
      lines.push({ level: "info", fields, message }),
    error: (fields: object, message: string) =>
      lines.push({ level: "error", fields, message }),
  };
}

const host = "127.0.0.1";
const servers: Server[] = [];

afterAll(async () => {
  await Promise.all(
    servers.map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

async function listening(): Promise<{
  url: string;
  log: ReturnType<typeof recordingLog>;
}> {
  const log = recordingLog();
  const server = await listenForMetrics({ port: await freePort(), host, log });
  if (!server) throw new Error("the metrics listener did not start");
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, log };
}

describe("the metrics listener (METRICS_PORT)", () => {
  it("answers GET /metrics with the Prometheus text of this process, never cached", async () => {
    const { url, log } = await listening();
    countLogin("failed");
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(
      "text/plain; version=0.0.4; charset=utf-8",
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.text();
    expect(body).toMatch(/^logins_total\{outcome="failed"\} [1-9]\d*$/m);
    expect(body).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(log.lines).toContainEqual({
      level: "info",
      fields: { event: "metrics_listening", host, port: Number(new URL(url).port) },
      message: `Prometheus metrics at ${url}/metrics`,
    });
  });

  it("answers 404 for any other path and 405 (Allow: GET) for another method on /metrics", async () => {
    const { url } = await listening();
    for (const path of ["/", "/metric", "/metrics/", "/api/health"]) {
      const response = await fetch(`${url}${path}`);
      expect([path, response.status]).toEqual([path, 404]);
      expect(await response.text()).not.toMatch(/logins_total/);
    }
    expect((await fetch(`${url}/metrics?name[]=logins_total`)).status).toBe(200);
    for (const method of ["POST", "PUT", "DELETE", "HEAD"]) {
      const response = await fetch(`${url}/metrics`, { method });
      expect([method, response.status]).toEqual([method, 405]);
      expect(response.headers.get("allow")).toBe("GET");
    }
  });

  it("logs a port it cannot open, naming METRICS_PORT, and lets the app serve on", async () => {
    const { url } = await listening();
    const log = recordingLog();
    const port = Number(new URL(url).port);
    await expect(listenForMetrics({ port, host, log })).resolves.toBeUndefined();
    expect(log.lines).toEqual([
      {
        level: "error",
        fields: { event: "metrics_unavailable", host, port, code: "EADDRINUSE" },
        message: `METRICS_PORT ${port} could not be opened on ${host} (EADDRINUSE): this process serves no metrics`,
      },
    ]);
  });

  it("opens nothing when METRICS_PORT is 0, and one listener per process however often start-up runs", async () => {
    const log = recordingLog();
    await expect(startMetricsServer({ port: undefined, host, log })).resolves.toBe(
      undefined,
    );
    expect(log.lines).toEqual([]);

    const port = await freePort();
    const first = await startMetricsServer({ port, host, log });
    if (first) servers.push(first);
    const again = await startMetricsServer({ port, host, log });
    expect(first).toBeDefined();
    expect(again).toBe(first);
    expect(log.lines.filter((line) => line.level === "info")).toHaveLength(1);
    expect((await fetch(`http://${host}:${port}/metrics`)).status).toBe(200);
  });
});
