import { Redis } from "ioredis";
import { startPrivateServer, type ProvidedRedis } from "../../dev/harness/redis-provider";
import {
  logOutAtProvider,
  probe,
  probeUntil,
  signInOverHttp,
  sleep,
  summarize,
  type Probe,
} from "../support/faults";
import { testUsers } from "../support/login";
import { startStack, type Stack } from "../support/stack";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";

jest.setTimeout(120_000);

/** The app's Redis command timeout (lib/redis/client.ts), and what a 503 may take beyond it. */
const commandTimeoutMs = 2_000;
const answerSlackMs = 1_000;

let redisServer: ProvidedRedis;
let redisPid: number;
let proxy: TcpProxy;
let stack: Stack;
/** Reaches Redis directly; the provider sends its logout tokens here. */
let appB: string;
/** Reaches Redis only through the proxy. */
let appA: string;

beforeAll(async () => {
  // A private Redis: this file stops it (SIGSTOP), which no other file may feel.
  redisServer = await startPrivateServer();
  const probeClient = new Redis(redisServer.url);
  const info = String(await probeClient.info("server"));
  await probeClient.quit();
  redisPid = Number(/^process_id:(\d+)/m.exec(info)![1]);
  proxy = await startTcpProxy(Number(new URL(redisServer.url).port));
  stack = await startStack({
    instances: 2,
    redisUrl: redisServer.url,
    keyPrefix: "faults:",
    instanceEnv: [{}, { REDIS_URL: `redis://127.0.0.1:${proxy.port}` }],
  });
  [appB, appA] = stack.appUrls as [string, string];
});

afterAll(async () => {
  if (redisPid) process.kill(redisPid, "SIGCONT");
  await stack?.stop();
  await proxy?.close();
  await redisServer?.stop();
});

/** The probes asked after `instant`. */
const after = (probes: Probe[], instant: number) =>
  probes.filter((p) => p.startedAt > instant);

describe("a logout under faults between the app and Redis", () => {
  it("never lets an instance whose Redis connection went silent answer 200 for a session ended on another instance", async () => {
    const cookie = await signInOverHttp(appB, testUsers.alice);
    expect((await probe(appA, cookie)).status).toBe(200);
    expect(proxy.accepted).toBeGreaterThan(0);

    proxy.freeze();
    const frozenAt = Date.now();
    let stop = false;
    const polling = probeUntil(appA, cookie, () => stop);
    await sleep(500);
    const logout = await logOutAtProvider(stack.idpUrl, testUsers.alice.sub);
    // B has its own connection: the logout lands there, and is answered 200.
    expect(logout.status).toBe(200);
    await sleep(6_000);
    stop = true;
    const probes = await polling;
    proxy.thaw();
    const thawedAt = Date.now();

    console.log(
      `frozen connection, ${thawedAt - frozenAt} ms: A answered ${summarize(probes)}; ` +
        `after the logout: ${summarize(after(probes, logout.answeredAt))}`,
    );
    expect(after(probes, logout.answeredAt).length).toBeGreaterThan(1);
    expect(probes.filter((p) => p.status === 200)).toEqual([]);
    for (const p of probes) {
      expect(p.status).toBe(503);
      expect(p.ms).toBeLessThan(commandTimeoutMs + answerSlackMs);
    }
    // Once bytes flow again, A says at once what Redis says: the session is gone.
    const back = await probe(appA, cookie);
    expect(back.status).toBe(401);
    expect(await probe(appB, cookie)).toMatchObject({ status: 401 });
  });

  it("answers 503, never 200, while Redis itself stalls, and a logout posted meanwhile is a 503 the provider can retry", async () => {
    const cookie = await signInOverHttp(appB, testUsers.bob);
    expect((await probe(appA, cookie)).status).toBe(200);

    process.kill(redisPid, "SIGSTOP");
    let during: Probe[];
    let logout: Awaited<ReturnType<typeof logOutAtProvider>>;
    try {
      let stop = false;
      const polling = Promise.all([
        probeUntil(appA, cookie, () => stop),
        probeUntil(appB, cookie, () => stop),
      ]);
      logout = await logOutAtProvider(stack.idpUrl, testUsers.bob.sub);
      await sleep(3_000);
      stop = true;
      during = (await polling).flat();
    } finally {
      process.kill(redisPid, "SIGCONT");
    }
    console.log(
      `stalled Redis: the logout answered ${logout.status}; A and B answered ${summarize(during)}`,
    );
    // Nothing was ended, and nothing says it was: the provider is told to retry.
    expect(logout.status).toBe(503);
    expect(during.length).toBeGreaterThan(2);
    for (const p of during) {
      expect(p.status).toBe(503);
      expect(p.ms).toBeLessThan(commandTimeoutMs + answerSlackMs);
    }

    // The provider's retry, once Redis answers again, ends the session on every instance.
    const retry = await logOutAtProvider(stack.idpUrl, testUsers.bob.sub);
    expect(retry.status).toBe(200);
    expect((await probe(appA, cookie)).status).toBe(401);
    expect((await probe(appB, cookie)).status).toBe(401);
  });

  it("keeps ended sessions ended when the silent connection comes back, and serves live ones again", async () => {
    // A login issued in the second of a logout of its user may be refused (409).
    await sleep(1_100);
    const ended = await signInOverHttp(appB, testUsers.alice);
    const live = await signInOverHttp(appB, testUsers.bob);
    proxy.freeze();
    const logout = await logOutAtProvider(stack.idpUrl, testUsers.alice.sub);
    expect(logout.status).toBe(200);
    await sleep(300);
    proxy.thaw();
    // Whatever A had queued while frozen is answered now; none of it revives alice.
    const [a, b] = await Promise.all([probe(appA, ended), probe(appA, live)]);
    expect(a.status).toBe(401);
    expect(b.status).toBe(200);
    // The client stays usable: no reconnect storm, no stuck queue.
    const again = await Promise.all(Array.from({ length: 5 }, () => probe(appA, live)));
    expect(again.map((p) => p.status)).toEqual([200, 200, 200, 200, 200]);
  });
});
