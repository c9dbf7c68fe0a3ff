import type { IncomingMessage, ServerResponse } from "node:http";
import { Server as HttpServer } from "node:http";
import { Server as HttpsServer } from "node:https";
import { processSingleton } from "../process-singleton";

/** Work done on a request before Next.js sees it (it must not throw or wait). */
export type RequestStep = (req: IncomingMessage, res: ServerResponse) => void;

const hook = processSingleton("serverRequestHook", () => ({
  steps: new Map<string, RequestStep>(),
  installed: false,
}));

/**
 * Runs `step` on every request that any HTTP or HTTPS server of this process receives,
 * before its own handler (Next.js) runs. Called at start-up (instrumentation).
 *
 * Why not Next's middleware: the middleware is the costliest part of serving a public
 * page (measured: `/` at 3,300 req/s through it, 6,600 without), and some of this
 * cannot be done there at all (it gets no socket). So the middleware runs for `/auth/*`
 * only, and what every response needs is done here, where it costs microseconds.
 *
 * The servers' shared prototype is patched once, so servers Next creates before or
 * after this call all pass through it. A step is known by its `name`: adding it again
 * replaces it, so each runs once per request however often start-up code runs.
 */
export function onEveryRequest(name: string, step: RequestStep): void {
  hook.steps.set(name, step);
  if (hook.installed) return;
  hook.installed = true;
  // Both kinds of server: https.Server does not inherit http.Server's prototype.
  for (const server of [HttpServer, HttpsServer]) {
    // Called with each server as `this` below, as Node.js itself calls it.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const emit = server.prototype.emit as EmitFunction;
    server.prototype.emit = function (this: unknown, event, ...args) {
      if (event === "request") {
        const [req, res] = args as [IncomingMessage, ServerResponse];
        for (const run of hook.steps.values()) run(req, res);
      }
      return emit.call(this, event, ...args);
    } as EmitFunction;
  }
}

type EmitFunction = (
  this: unknown,
  event: string | symbol,
  ...args: unknown[]
) => boolean;
