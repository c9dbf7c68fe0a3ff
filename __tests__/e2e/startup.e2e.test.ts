import { freePort } from "../../dev/harness/free-port";
import { startProcess, waitForHttp } from "../support/processes";
import { appSecret, baseEnv, startApp } from "../support/stack";

jest.setTimeout(60_000);

const validEnv = () => ({
  AUTH0_DOMAIN: "http://localhost:4999",
  AUTH0_CLIENT_ID: "client",
  AUTH0_CLIENT_SECRET: "secret",
  AUTH0_SECRET: appSecret,
  APP_BASE_URL: "http://localhost:3000",
  REDIS_URL: process.env.REDIS_URL,
});

describe("starting the app server (the Docker image's `node server.js`)", () => {
  it("refuses to start on bad configuration and names each bad variable", async () => {
    const port = await freePort();
    const app = startApp("startup-bad-config", {
      ...validEnv(),
      PORT: String(port),
      AUTH0_SECRET: "too-short",
      REDIS_URL: "localhost:6379",
      AUTH0_SESSION_INACTIVITY_DURATION: "-1",
    });
    const code = await app.exited;
    expect(code).toBe(1);
    const output = app.output();
    expect(output).toMatch(/AUTH0_SECRET must be at least 32 characters/);
    expect(output).toMatch(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(output).toMatch(
      /AUTH0_SESSION_INACTIVITY_DURATION must be a positive whole number/,
    );
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("announces allowInsecureRequests once, at start-up, for an http:// domain", async () => {
    const port = await freePort();
    const app = startApp("startup-insecure", { ...validEnv(), PORT: String(port) });
    try {
      await waitForHttp(`http://localhost:${port}/`, app);
      await fetch(`http://localhost:${port}/`);
      const announcements = app.output().match(/allowInsecureRequests is on/g) ?? [];
      expect(announcements).toHaveLength(1);
    } finally {
      await app.stop();
    }
  });

  it("never announces it for a bare tenant domain", async () => {
    const port = await freePort();
    const app = startApp("startup-secure", {
      ...validEnv(),
      AUTH0_DOMAIN: "my-tenant.eu.auth0.com",
      PORT: String(port),
    });
    try {
      await waitForHttp(`http://localhost:${port}/`, app);
      expect(app.output()).not.toMatch(/allowInsecureRequests/);
    } finally {
      await app.stop();
    }
  });
});

describe("npm run dev:local", () => {
  it("stops at once with a clear message when Redis cannot be reached", async () => {
    const closedPort = await freePort();
    const devLocal = startProcess(
      "dev-local-no-redis",
      process.execPath,
      [require.resolve("tsx/cli"), "scripts/dev-local.ts"],
      { ...baseEnv(), REDIS_URL: `redis://127.0.0.1:${closedPort}` },
    );
    expect(await devLocal.exited).toBe(1);
    expect(devLocal.output()).toContain(
      `dev:local: cannot reach Redis at redis://127.0.0.1:${closedPort}`,
    );
    expect(devLocal.output()).toContain("set REDIS_URL");
  });
});
