import { connect, createServer, type Socket } from "node:net";

/** A TCP proxy on 127.0.0.1 in front of one port, whose traffic a test can freeze. */
export interface TcpProxy {
  port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /**
   * Stops moving bytes in both directions on every connection, open or yet to come,
   * without closing any: what a NAT or load balancer that silently drops a flow does.
   * What arrives meanwhile is held and delivered, in order, on {@link thaw}.
   */
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

/** Starts a proxy to `127.0.0.1:targetPort`. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let frozen = false;
  let accepted = 0;
  const pipes = new Set<{ flush(): void; destroy(): void }>();

  const server = createServer((client) => {
    accepted++;
    const upstream = connect(targetPort, "127.0.0.1");
    const held: Array<[Socket, Buffer]> = [];
    const forward = (to: Socket) => (chunk: Buffer) => {
      if (frozen) held.push([to, chunk]);
      else to.write(chunk);
    };
    client.on("data", forward(upstream));
    upstream.on("data", forward(client));
    const pipe = {
      flush: () => {
        for (const [to, chunk] of held.splice(0)) to.write(chunk);
      },
      destroy: () => {
        client.destroy();
        upstream.destroy();
      },
    };
    pipes.add(pipe);
    const end = () => {
      pipes.delete(pipe);
      pipe.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on("error", end);
      socket.on("close", end);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("proxy has no port");

  return {
    port: address.port,
    get accepted() {
      return accepted;
    },
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      for (const pipe of pipes) pipe.flush();
    },
    close: async () => {
      for (const pipe of pipes) pipe.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
