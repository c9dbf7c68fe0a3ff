import { createServer, request, type Server, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import {
  clientAddress,
  installPeerAddressHeader,
  uninstallPeerAddressHeader,
} from "../../lib/http/client-address";

// The hook subscribes to Node's `http.server.request.start` channel, which is the whole
// process's: jest gives each file its own globals (and so its own singleton), but the
// channels are shared by every file a worker runs, so the hook is removed afterwards.

/** What the handler saw: the client address for trustProxies 0 and 1. */
interface Seen {
  peer: string | undefined;
  oneProxy: string | undefined;
  header: string | undefined;
}

function headersOf(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

function serve(): Server {
  return createServer((req, res) => {
    const headers = headersOf(req.headers);
    const seen: Seen = {
      peer: clientAddress(headers, 0),
      oneProxy: clientAddress(headers, 1),
      header: headers.get("x-peer-address") ?? undefined,
    };
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(seen));
  });
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function ask(
  port: number,
  headers: Record<string, string | string[]> = {},
  host = "127.0.0.1",
): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: "/", headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve(JSON.parse(body) as Seen));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("clientAddress with the peer-address hook installed", () => {
  // Created before the hook, as Next may create its servers before instrumentation runs.
  const early = serve();
  let late: Server;
  let earlyPort: number;
  let latePort: number;

  beforeAll(async () => {
    earlyPort = await listen(early, "127.0.0.1");
    installPeerAddressHeader();
    late = serve();
    latePort = await listen(late, "127.0.0.1");
  });

  afterAll(async () => {
    uninstallPeerAddressHeader();
    await Promise.all([close(early), close(late)]);
  });

  it("installs once: after a second call, one removal leaves no address written", async () => {
    installPeerAddressHeader();
    uninstallPeerAddressHeader();
    try {
      const seen = await ask(latePort, { "x-peer-address": "6.6.6.6" });
      // Nothing of the server's: the client's own value, never taken for the peer.
      expect(seen.header).toBe("6.6.6.6");
      // Uninstalled, the peer is X-Forwarded-For's last entry (Next's), and there is none.
      expect(seen.peer).toBeUndefined();
    } finally {
      installPeerAddressHeader();
    }
    expect((await ask(latePort)).header).toMatch(/^\S+ 127\.0\.0\.1$/);
  });

  it("gives the socket's peer for 0 trusted proxies, on servers made before or after it", async () => {
    for (const port of [earlyPort, latePort]) {
      const { header, ...address } = await ask(port);
      expect(address).toEqual({
        peer: "127.0.0.1",
        // One trusted proxy, but no X-Forwarded-For: a hop is missing, so not told.
        oneProxy: undefined,
      });
      // Opened by the process's mark, which a client cannot know.
      expect(header).toMatch(/^\S+ 127\.0\.0\.1$/);
    }
  });

  it("overwrites a forged x-peer-address, whatever its case or count", async () => {
    const forgeries: Array<Record<string, string | string[]>> = [
      { "x-peer-address": "6.6.6.6" },
      { "X-Peer-Address": "6.6.6.6" },
      { "x-peer-address": ["6.6.6.6", "7.7.7.7"] },
      { "x-peer-address": "6.6.6.6", "x-forwarded-for": "6.6.6.6" },
      { "x-peer-address": "", "x-forwarded-for": "6.6.6.6, 7.7.7.7" },
    ];
    for (const headers of forgeries) {
      const seen = await ask(latePort, headers);
      expect(seen.header).toMatch(/^\S+ 127\.0\.0\.1$/);
      expect(seen.peer).toBe("127.0.0.1");
    }
  });

  it("never takes a value the server did not write (one received before the hook)", () => {
    const forged = new Headers({
      "x-peer-address": "6.6.6.6",
      "x-forwarded-for": "7.7.7.7, 6.6.6.6",
    });
    expect(clientAddress(forged, 0)).toBeUndefined();
    expect(clientAddress(forged, 1)).toBeUndefined();
  });

  it("with one trusted proxy, takes the X-Forwarded-For entry left of the peer", async () => {
    expect((await ask(latePort, { "x-forwarded-for": "203.0.113.9" })).oneProxy).toBe(
      "203.0.113.9",
    );
    // The client's own entry (6.6.6.6) is never taken.
    expect(
      (
        await ask(latePort, {
          "x-forwarded-for": "6.6.6.6, 203.0.113.9",
          "x-peer-address": "6.6.6.6",
        })
      ).oneProxy,
    ).toBe("203.0.113.9");
  });

  it("with one trusted proxy and no X-Forwarded-For, tells nothing rather than the peer", async () => {
    const seen = await ask(latePort);
    expect(seen.oneProxy).toBeUndefined();
    expect(seen.peer).toBe("127.0.0.1");
  });

  it("unmaps an IPv4-mapped entry and gives undefined for garbage", async () => {
    expect(
      (await ask(latePort, { "x-forwarded-for": "::ffff:203.0.113.9" })).oneProxy,
    ).toBe("203.0.113.9");
    const garbage = await ask(latePort, { "x-forwarded-for": "not-an-address" });
    expect(garbage.oneProxy).toBeUndefined();
    expect(garbage.peer).toBe("127.0.0.1");
  });

  it("unmaps the peer itself when a dual-stack server sees an IPv4 client", async () => {
    const dual = serve();
    let port: number;
    try {
      port = await listen(dual, "::");
    } catch {
      return; // no IPv6 on this machine: nothing to unmap
    }
    try {
      const seen = await ask(port, { "x-peer-address": "6.6.6.6" });
      expect(seen.header).toMatch(/^\S+ ::ffff:127\.0\.0\.1$/);
      expect(seen.peer).toBe("127.0.0.1");
    } finally {
      await close(dual);
    }
  });
});
