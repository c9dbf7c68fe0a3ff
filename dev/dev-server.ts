/*
 * What the development servers (the local provider, dev/idp; the invoices API,
 * dev/invoices-api) do alike at start-up: refuse a bad configuration as the app does,
 * listen, and stop cleanly.
 */
import type { Server } from "node:http";
import { ConfigError } from "../lib/shared";

/**
 * The configuration `load` reads; when it is bad, every wrong variable is printed and
 * the process stops (as the app's start-up does), rather than failing on first use.
 */
export function configOrExit<T>(tag: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`[${tag}] ${error.message}`);
    process.exit(1);
  }
}

/** The URL to open for a server listening on `host` (undefined: every interface). */
export function displayUrl(host: string | undefined, port: number): string {
  const wildcard = host === undefined || host === "0.0.0.0" || host === "::";
  const name = wildcard ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/**
 * Listens on `port` and `host`, saying `listening(url)` once it does; a port in use
 * stops the process with a message. SIGTERM and SIGINT close the server, keep-alive
 * connections included (browsers and SDKs would otherwise hold `close()` open).
 */
export function serveUntilStopped(
  server: Server,
  options: {
    tag: string;
    port: number;
    host: string | undefined;
    listening: (url: string) => string;
  },
): void {
  const { tag, port, host } = options;
  server.on("error", (error: NodeJS.ErrnoException) => {
    const reason =
      error.code === "EADDRINUSE" ? `port ${port} is already in use` : error.message;
    console.error(`[${tag}] cannot listen: ${reason}`);
    process.exit(1);
  });
  server.listen(port, host, () => console.log(options.listening(displayUrl(host, port))));
  const stop = (signal: string) => {
    console.log(`[${tag}] ${signal}: shutting down`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}
