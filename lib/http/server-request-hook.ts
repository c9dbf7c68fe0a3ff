import type { IncomingMessage } from "node:http";
import { Server as HttpServer, ServerResponse } from "node:http";
import { Server as HttpsServer } from "node:https";
import { processSingleton } from "../process-singleton";

/** Work done on a request before Next.js sees it (it must not throw or wait). */
export type RequestStep = (req: IncomingMessage) => void;

/** Work done on a response just before its head is sent (it must not throw or wait). */
export type ResponseStep = (res: ServerResponse, req: IncomingMessage) => void;

const hook = processSingleton("serverRequestHook", () => ({
  requestSteps: new Map<string, RequestStep>(),
  responseSteps: new Map<string, ResponseStep>(),
  requestsHooked: false,
  responsesHooked: false,
}));

// Why hooks on Node's own server, not Next's proxy (proxy.ts): the proxy is the costliest
// part of serving a public page (in the benchmark, `/` served about 3,000 req/s through
// it and 5,600 without), and some of this cannot be done there at all (it gets no
// socket). So the proxy runs for `/auth/*` only, and what every request and every
// response needs is done here, where it costs microseconds. Both are installed at
// start-up (instrumentation). A step is known by its `name`: adding it again replaces
// it, so each runs once however often start-up code runs.

/**
 * Runs `step` on every request that any HTTP or HTTPS server of this process receives,
 * before its handler (Next.js) sees it. The servers' prototypes are patched, so servers
 * made before or after this call all pass through it; a request received before it
 * (Next listens before instrumentation has run) is not seen.
 */
export function onEveryRequest(name: string, step: RequestStep): void {
  hook.requestSteps.set(name, step);
  if (hook.requestsHooked) return;
  hook.requestsHooked = true;
  // Both kinds of server: https.Server does not inherit http.Server's prototype.
  for (const server of [HttpServer, HttpsServer]) {
    // Called with each server as `this` below, as Node.js itself calls it.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const emit = server.prototype.emit as EmitFunction;
    server.prototype.emit = function (this: unknown, event, ...args) {
      if (event === "request") {
        const req = args[0] as IncomingMessage;
        for (const run of hook.requestSteps.values()) run(req);
      }
      return emit.call(this, event, ...args);
    } as EmitFunction;
  }
}

/**
 * Runs `step` on every response of this process (HTTP and HTTPS alike) just before its
 * status line and headers are sent: Node.js sends them through `writeHead`, also for a
 * response that only calls `end()`. Unlike {@link onEveryRequest}, this also covers a
 * request that arrived before start-up finished, since its response is written after.
 * Headers passed to `writeHead` itself still win over what a step sets.
 */
export function beforeEveryResponseHead(name: string, step: ResponseStep): void {
  hook.responseSteps.set(name, step);
  if (hook.responsesHooked) return;
  hook.responsesHooked = true;
  // Called with each response as `this` below, as Node.js itself calls it.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const writeHead = ServerResponse.prototype.writeHead as WriteHeadFunction;
  ServerResponse.prototype.writeHead = function (this: ServerResponse, ...args) {
    if (!this.headersSent) {
      for (const run of hook.responseSteps.values()) run(this, this.req);
    }
    return writeHead.apply(this, args);
  } as WriteHeadFunction as typeof ServerResponse.prototype.writeHead;
}

type EmitFunction = (
  this: unknown,
  event: string | symbol,
  ...args: unknown[]
) => boolean;

type WriteHeadFunction = (this: ServerResponse, ...args: unknown[]) => ServerResponse;
