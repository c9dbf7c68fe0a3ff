import { createServer, request, Server, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { installPeerAddressHeader } from "../../lib/http/client-address";
import { installResponseHeaders, securityHeaders } from "../../lib/http/security-headers";

// The hook patches http.Server.prototype for the whole process (a per-process
// singleton), so it lives in a file of its own: jest gives each file its own globals.

/** A server that sets Cache-Control itself on /api/own-cache and says what it saw. */
function serve(): Server {
  return createServer((req, res) => {
    if (req.url === "/api/own-cache") res.setHeader("Cache-Control", "max-age=60");
    res.setHeader("content-type", "text/plain");
    res.end(String(req.headers["x-peer-address"] ?? "none"));
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

function ask(
  port: number,
  path: string,
): Promise<{ headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the response headers every request gets from the server itself", () => {
  // Created before the hook, as Next may create its servers before instrumentation runs.
  const early = serve();
  let late: Server;
  let earlyPort: number;
  let latePort: number;

  beforeAll(async () => {
    earlyPort = await listen(early);
    installResponseHeaders({ https: true, development: false });
    installPeerAddressHeader();
    late = serve();
    latePort = await listen(late);
  });

  afterAll(async () => {
    await Promise.all([close(early), close(late)]);
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

  it("marks /api/ and /auth/ answers no-store, and only those", async () => {
    expect((await ask(latePort, "/api/health")).headers["cache-control"]).toBe(
      "no-store",
    );
    expect((await ask(latePort, "/auth/login?x=1")).headers["cache-control"]).toBe(
      "no-store",
    );
    expect((await ask(latePort, "/")).headers["cache-control"]).toBeUndefined();
    expect((await ask(latePort, "/apiary")).headers["cache-control"]).toBeUndefined();
  });

  it("lets a route set its own Cache-Control", async () => {
    expect((await ask(latePort, "/api/own-cache")).headers["cache-control"]).toBe(
      "max-age=60",
    );
  });

  it("runs beside the peer-address step, each once however often installed", async () => {
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const patched = Server.prototype.emit;
    installResponseHeaders({ https: false, development: false });
    installPeerAddressHeader();
    // eslint-disable-next-line @typescript-eslint/unbound-method
    expect(Server.prototype.emit).toBe(patched);
    const { headers, body } = await ask(latePort, "/");
    expect(body).toBe("127.0.0.1");
    // Installed again without https: the step was replaced, not added to.
    expect(headers["strict-transport-security"]).toBeUndefined();
    expect(headers["content-security-policy"]).toContain("default-src 'self'");
  });
});
