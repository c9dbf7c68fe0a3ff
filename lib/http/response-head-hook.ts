import type { IncomingMessage } from "node:http";
import { ServerResponse } from "node:http";
import { processSingleton } from "../process-singleton";

/** Work done on a response just before its head is sent (it must not throw or wait). */
export type ResponseStep = (res: ServerResponse, req: IncomingMessage) => void;

const hook = processSingleton("responseHeadHook", () => ({
  step: undefined as ResponseStep | undefined,
  responsesHooked: false,
}));

// Why a patch of Node's ServerResponse, not Next's `headers()` or proxy (proxy.ts), and
// not Node's `http.server.response.created` channel (decision 0010): the proxy runs for
// `/auth/*` only (run for every request, it nearly halves a public page's throughput);
// `headers()` measured slower than this hook on every request; and a channel sees only
// responses created after start-up subscribed, while Next takes connections before
// instrumentation runs. Installed at start-up (instrumentation). There is one step: setting
// it again replaces it, so it runs once however often start-up code runs.

/**
 * Runs `step` on every response of this process (HTTP and HTTPS alike) just before its
 * status line and headers are sent: Node.js sends them through `writeHead`, also for a
 * response that only calls `end()`. This also covers a request that arrived before
 * start-up finished, since its response is written after.
 * Headers passed to `writeHead` itself still win over what the step sets.
 */
export function beforeEveryResponseHead(step: ResponseStep): void {
  hook.step = step;
  if (hook.responsesHooked) return;
  hook.responsesHooked = true;
  // Called with each response as `this` below, as Node.js itself calls it.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const writeHead = ServerResponse.prototype.writeHead as WriteHeadFunction;
  ServerResponse.prototype.writeHead = function (this: ServerResponse, ...args) {
    if (!this.headersSent) hook.step?.(this, this.req);
    return writeHead.apply(this, args);
  } as WriteHeadFunction as typeof ServerResponse.prototype.writeHead;
}

type WriteHeadFunction = (this: ServerResponse, ...args: unknown[]) => ServerResponse;
