import { randomBytes } from "node:crypto";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { processSingleton } from "../process-singleton";

/**
 * The request header that carries the socket's peer address into the proxy. Next
 * gives the proxy (proxy.ts) no socket, and it keeps an `X-Forwarded-For` the client sent
 * (it adds the peer only when there is none), so the peer is written here, by the
 * server itself, over any value a client sent under the same name.
 */
const peerAddressHeader = "x-peer-address";

/**
 * Node.js publishes every request an HTTP or HTTPS server of this process receives on
 * this channel, before the server emits it to its handler (Next): Node's own public
 * hook, where a patch of `http.Server.prototype.emit` used to be (decision 0010).
 */
const requestStartChannel = "http.server.request.start";

/**
 * `mark`, random per process, opens every value the server writes: a request received
 * before the hook was installed (Next listens before instrumentation runs) keeps what
 * the client sent, and without the mark that is never taken for the peer.
 */
const hook = processSingleton("peerAddressHook", () => ({
  installed: false,
  mark: `${randomBytes(16).toString("base64url")} `,
  onRequestStart: (message: unknown): void => {
    writePeerAddress((message as { request: IncomingMessage }).request);
  },
}));

/**
 * Makes every request this process serves carry its socket's peer address in
 * {@link peerAddressHeader}, before Next sees it. Called once at start-up
 * (instrumentation); a second call changes nothing.
 */
export function installPeerAddressHeader(): void {
  if (hook.installed) return;
  hook.installed = true;
  subscribe(requestStartChannel, hook.onRequestStart);
}

/** Undoes {@link installPeerAddressHeader} (the channel is the whole process's: for tests). */
export function uninstallPeerAddressHeader(): void {
  if (!hook.installed) return;
  hook.installed = false;
  unsubscribe(requestStartChannel, hook.onRequestStart);
}

function writePeerAddress(req: IncomingMessage): void {
  req.headers[peerAddressHeader] = hook.mark + (req.socket.remoteAddress ?? "");
}

/** The peer the server wrote, or undefined for a value it did not write. */
function writtenPeer(value: string | null): string | undefined {
  return value?.startsWith(hook.mark) ? value.slice(hook.mark.length) : undefined;
}

/**
 * The client's IP address. With `trustProxies` 0 it is the socket's peer; with n, the
 * address the outermost of the n trusted proxies saw, read from the right end of
 * `X-Forwarded-For` (each proxy appends the address it received from), so a value the
 * client wrote there itself is never taken. `undefined` when it cannot be told.
 */
export function clientAddress(
  headers: Headers,
  trustProxies: number,
): string | undefined {
  // Without the start-up hook (a test calling the middleware directly), Next's own
  // X-Forwarded-For is the best there is: it holds the peer when the client sent none.
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const peer = hook.installed
    ? writtenPeer(headers.get(peerAddressHeader))
    : forwarded.pop();
  if (!peer) return undefined;
  const chain = [...forwarded, peer];
  // Fewer hops than trusted proxies: a proxy is missing or misconfigured, and the
  // leftmost entry could be the client's own writing. Not told, rather than wrong.
  if (trustProxies >= chain.length) return undefined;
  const address = chain[chain.length - 1 - trustProxies]!;
  return normalizeAddress(address);
}

/** `::ffff:10.0.0.1` → `10.0.0.1`; anything that is not an IP address → undefined. */
function normalizeAddress(address: string): string | undefined {
  const unmapped = address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1");
  return isIP(unmapped) ? unmapped : undefined;
}
