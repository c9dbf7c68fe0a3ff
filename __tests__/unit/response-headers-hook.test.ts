import {
  createServer,
  request,
  ServerResponse,
  type IncomingHttpHeaders,
  type Server,
} from "node:http";
import type { AddressInfo } from "node:net";
import {
  installPeerAddressHeader,
  uninstallPeerAddressHeader,
} from "../../lib/http/client-address";
import { installResponseHeaders, securityHeaders } from "../../lib/http/security-headers";

// The response hook patches http.ServerResponse's prototype and the peer hook subscribes
// to a Node.js channel, both for the whole process (per-process singletons), so they
// live in a file of their own: jest gives each file its own globals (and so its own
// singletons), but Node's http module and its channels are shared by every file a
// worker runs, so both are undone afterwards.
// eslint-disable-next-line @typescript-eslint/unbound-method
const unpatchedWriteHead = ServerResponse.prototype.writeHead;

interface Answer {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A server that sets Cache-Control itself on /api/own-cache, answers /held only when
 * `release` is called, and says what peer address it saw.
 */
function serve(held?: { arrived: () => void; release: Promise<void> }): Server {
  return createServer((req, res) => {
    const answer = () => {
      if (req.url === "/api/own-cache") res.setHeader("Cache-Control", "max-age=60");
      res.setHeader("content-type", "text/plain");
      res.end(String(req.headers["x-peer-address"] ?? "none"));
    };
    if (req.url === "/held" && held) {
      held.arrived();
      void held.release.then(answer);
    } else answer();
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function ask(port: number, path: string, method = "GET"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("the response headers every response gets from the server itself", () => {
  let release!: () => void;
  let arrived!: () => void;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  // Made, and asked, before the hooks exist: Next listens before instrumentation runs.
  const early = serve({
    arrived,
    release: new Promise((resolve) => (release = resolve)),
  });
  let late: Server;
  let earlyPort: number;
  let latePort: number;
  let heldAnswer: Promise<Answer>;

  beforeAll(async () => {
    earlyPort = await listen(early);
    heldAnswer = ask(earlyPort, "/held");
    await arrival;
    installResponseHeaders({ https: true, development: false });
    installPeerAddressHeader();
    release();
    late = serve();
    latePort = await listen(late);
  });

  afterAll(async () => {
    await Promise.all([close(early), close(late)]);
    uninstallPeerAddressHeader();
    ServerResponse.prototype.writeHead = unpatchedWriteHead;
  });

  it("sets every security header on every path, on servers made before or after it", async () => {
    const expected = securityHeaders({ https: true, development: false });
    for (const port of [earlyPort, latePort]) {
      for (const path of ["/", "/profile", "/_next/static/chunk.js", "/api/me"]) {
        const { headers } = await ask(port, path);
        for (const [name, value] of Object.entries(expected)) {
          expect([path, name, headers[name.toLowerCase()]]).toEqual([path, name, value]);
        }
        expect(headers["strict-transport-security"]).toMatch(/^max-age=31536000/);
      }
    }
  });

  it("sets them on the answer to a request received before it was installed", async () => {
    const { headers, body } = await heldAnswer;
    expect(headers["content-security-policy"]).toContain("default-src 'self'");
    expect(headers["x-frame-options"]).toBe("DENY");
    // The peer hook did not see that request: no address was written for it.
    expect(body).toBe("none");
  });

  it("marks /api/ and /auth/ answers no-store, however the path is written, and only those", async () => {
    for (const path of [
      "/api/health",
      "/auth/login?x=1",
      "/%61pi/me",
      "/auth%2Fcallback",
      `http://127.0.0.1/api/me`,
    ]) {
      const { headers } = await ask(latePort, path);
      expect([path, headers["cache-control"]]).toEqual([path, "no-store"]);
    }
    for (const path of ["/", "/apiary", "/profile?next=/api/me", "/%E0%A4%A"]) {
      const { headers } = await ask(latePort, path);
      expect([path, headers["cache-control"]]).toEqual([path, undefined]);
    }
    expect((await ask(latePort, "/api/health", "HEAD")).headers["cache-control"]).toBe(
      "no-store",
    );
  });

  it("lets a route set its own Cache-Control", async () => {
    expect((await ask(latePort, "/api/own-cache")).headers["cache-control"]).toBe(
      "max-age=60",
    );
  });

  it("runs beside the peer-address step, each once however often installed", async () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const patched = ServerResponse.prototype.writeHead;
    installResponseHeaders({ https: false, development: false });
    installPeerAddressHeader();
    // eslint-disable-next-line @typescript-eslint/unbound-method
    expect(ServerResponse.prototype.writeHead).toBe(patched);
    const { headers, body } = await ask(latePort, "/");
    expect(body).toMatch(/^\S+ 127\.0\.0\.1$/);
    // Installed again without https: the step was replaced, not added to.
    expect(headers["strict-transport-security"]).toBeUndefined();
    expect(headers["content-security-policy"]).toContain("default-src 'self'");
  });
});
