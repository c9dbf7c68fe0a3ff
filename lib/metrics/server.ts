import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { processSingleton } from "../process-singleton";
import { renderMetrics } from "./registry";

interface Logger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Where the metrics listener binds: METRICS_PORT, on the host the app binds. */
export interface MetricsListenerOptions {
  /** `undefined`: METRICS_PORT=0, no listener at all. */
  port: number | undefined;
  host: string;
  log: Logger;
}

/**
 * Serves the Prometheus text at `GET /metrics` on a listener of its own (a plain
 * node:http server, never the app's public port, so that what the app's users reach
 * never includes its metrics). Anything else is a 404, another method on /metrics a 405.
 * Started once per process: a second call (a reload in `next dev`) gets the first one's.
 * A port that cannot be opened is logged and the app serves on without metrics.
 * @returns the listening server, or undefined when off or the port could not be opened.
 */
export function startMetricsServer(
  options: MetricsListenerOptions,
): Promise<Server | undefined> {
  const { port } = options;
  if (port === undefined) return Promise.resolve(undefined);
  return processSingleton("metricsServer", () => listenForMetrics({ ...options, port }));
}

/**
 * The listener itself, each call a new one (start-up calls {@link startMetricsServer}).
 * @returns it once listening, or undefined when the port could not be opened (logged).
 */
export function listenForMetrics(
  options: MetricsListenerOptions & { port: number },
): Promise<Server | undefined> {
  const { port, host, log } = options;
  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      log.error(
        { event: "metrics_failed", err: { message: (error as Error).message } },
        "metrics could not be rendered",
      );
      if (!res.headersSent) send(res, 500, "metrics unavailable\n");
      else res.destroy();
    });
  });
  // Never what keeps the process alive: the app's own server is.
  server.unref();
  return new Promise((resolve) => {
    const onError = (error: NodeJS.ErrnoException) => {
      log.error(
        { event: "metrics_unavailable", host, port, code: error.code },
        `METRICS_PORT ${port} could not be opened on ${host} (${error.code ?? error.message}): this process serves no metrics`,
      );
      resolve(undefined);
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      server.on("error", (error: Error) =>
        log.error(
          { event: "metrics_failed", err: { message: error.message } },
          "metrics listener error",
        ),
      );
      log.info(
        { event: "metrics_listening", host, port },
        `Prometheus metrics at http://${host}:${port}/metrics`,
      );
      resolve(server);
    });
  });
}

async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://metrics.invalid").pathname;
  if (path !== "/metrics") return send(res, 404, "not found\n");
  if (req.method !== "GET") {
    res.setHeader("Allow", "GET");
    return send(res, 405, "method not allowed\n");
  }
  const { contentType, body } = await renderMetrics();
  res.writeHead(200, { "Content-Type": contentType, "Cache-Control": "no-store" });
  res.end(body);
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Cache-Control": "no-store",
  });
  res.end(body);
}
