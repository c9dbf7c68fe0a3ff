import { startApp, startStack, type Stack } from "../support/stack";
import { appSecret, audience, clientId, clientSecret } from "../support/stack";
import type { RunningProcess } from "../support/processes";
import { freePort } from "../../dev/harness/free-port";

jest.setTimeout(120_000);

let stack: Stack;
let late: RunningProcess | undefined;

beforeAll(async () => {
  stack = await startStack({ keyPrefix: "first-request:" });
});

afterAll(async () => {
  await late?.stop();
  await stack?.stop();
});

describe("right after start-up", () => {
  it("answers the very first login with a redirect to the provider, not a 503", async () => {
    const port = await freePort();
    const app = `http://localhost:${port}`;
    late = startApp("app-first-request", {
      PORT: String(port),
      AUTH0_DOMAIN: stack.idpUrl,
      AUTH0_CLIENT_ID: clientId,
      AUTH0_CLIENT_SECRET: clientSecret,
      AUTH0_SECRET: appSecret,
      AUTH0_AUDIENCE: audience,
      APP_BASE_URL: app,
      REDIS_URL: stack.redisUrl,
      REDIS_KEY_PREFIX: "first-request:",
    });
    // Knock until the server takes the connection: its first answer is the one judged.
    let first: Response | undefined;
    const deadline = Date.now() + 60_000;
    while (!first && Date.now() < deadline) {
      try {
        first = await fetch(`${app}/auth/login`, { redirect: "manual" });
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    expect(first?.status).toBe(307);
    expect(first?.headers.get("location")).toMatch(
      new RegExp(`^${stack.idpUrl}/authorize`),
    );
  });
});
