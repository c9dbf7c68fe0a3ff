import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../../dev/harness/free-port";
import { startProcess as startHarnessProcess } from "../../dev/harness/processes";
import { projectRoot, startProcess, waitForHttp } from "../support/processes";
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
      // The SDK would only refuse it at the first request, with a 500 on every one.
      AUTH0_DOMAIN: "http://127.0.0.1:4999",
    });
    const code = await app.exited;
    expect(code).toBe(1);
    const output = app.output();
    expect(output).toMatch(/AUTH0_SECRET must be at least 32 characters/);
    expect(output).toMatch(/REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(output).toMatch(
      /AUTH0_SESSION_INACTIVITY_DURATION must be a positive whole number/,
    );
    expect(output).toMatch(/AUTH0_DOMAIN must be a host name, not an IP address/);
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

/** A `.env` file written after the build, in a folder of its own (never the developer's). */
function envFile(values: Record<string, string | undefined>): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "env-file-")), ".env");
  writeFileSync(
    file,
    Object.entries(values)
      .map(([key, value]) => `${key}=${value ?? ""}`)
      .join("\n"),
  );
  return file;
}

describe("npm start", () => {
  it("bakes no .env into the build: the copy next build makes is removed", async () => {
    const standalone = path.join(projectRoot, ".next/standalone");
    writeFileSync(path.join(standalone, ".env.production"), "AUTH0_SECRET=baked\n");
    const copy = startProcess(
      "copy-standalone-assets",
      process.execPath,
      ["scripts/copy-standalone-assets.mjs"],
      baseEnv(),
    );
    expect(await copy.exited).toBe(0);
    expect(existsSync(path.join(standalone, ".env.production"))).toBe(false);
    expect(existsSync(path.join(standalone, ".env"))).toBe(false);
  });

  it("reads .env when it starts: a bad value written after the build stops it, naming the variable", async () => {
    const port = await freePort();
    const start = startProcess("npm-start-bad-env", "npm", ["start", "--silent"], {
      ...baseEnv(),
      ENV_FILE: envFile({ ...validEnv(), AUTH0_SECRET: "short", PORT: String(port) }),
    });
    expect(await start.exited).not.toBe(0);
    expect(start.output()).toMatch(/AUTH0_SECRET must be at least 32 characters/);
    expect(start.output()).not.toMatch(/\n\s+at /);
  });

  it("runs on a good .env written after the build, with the shell's variables winning", async () => {
    const port = await freePort();
    const start = startProcess(
      "npm-start-good-env",
      process.execPath,
      ["scripts/start.mjs"], // what `npm start` runs; npm would not pass SIGTERM on
      {
        ...baseEnv(),
        ENV_FILE: envFile({ ...validEnv(), PORT: "1" }),
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
      },
    );
    try {
      await waitForHttp(`http://localhost:${port}/api/health`, start);
      const health = await fetch(`http://localhost:${port}/api/health`);
      expect(health.status).toBe(200);
    } finally {
      await start.stop();
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

describe("npm run start:local", () => {
  /** The local stack's environment on free ports; `overrides` win. */
  async function stackEnv(overrides: Record<string, string> = {}) {
    const [idpPort, apiPort, appPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    return {
      ports: { idpPort, apiPort, appPort },
      env: {
        ...baseEnv(),
        REDIS_URL: process.env.REDIS_URL,
        AUTH0_DOMAIN: `http://localhost:${idpPort}`,
        APP_BASE_URL: `http://localhost:${appPort}`,
        INVOICES_API_URL: `http://localhost:${apiPort}`,
        IDP_KEY_FILE: path.join(mkdtempSync(path.join(tmpdir(), "idp-key-")), "key.json"),
        ...overrides,
      },
    };
  }

  it("exits non-zero with the app's own message when the app refuses its configuration", async () => {
    const { env } = await stackEnv({ AUTH0_SECRET: "short" });
    const launcher = startHarnessProcess(
      "start-local-bad-config",
      process.execPath,
      [require.resolve("tsx/cli"), "scripts/start-local.ts"],
      env,
      { cwd: projectRoot, processGroup: true },
    );
    try {
      expect(await launcher.exited).toBe(1);
      expect(launcher.output()).toMatch(/AUTH0_SECRET must be at least 32 characters/);
      expect(launcher.output()).toMatch(
        /start:local: app exited \(1\); stopping the others/,
      );
    } finally {
      await launcher.stop();
    }
  });

  it("serves the provider, the invoices API and the production build together", async () => {
    const { env, ports } = await stackEnv();
    const launcher = startHarnessProcess(
      "start-local",
      process.execPath,
      [require.resolve("tsx/cli"), "scripts/start-local.ts"],
      env,
      { cwd: projectRoot, processGroup: true },
    );
    try {
      await waitForHttp(`http://localhost:${ports.idpPort}/healthz`, launcher);
      await waitForHttp(`http://localhost:${ports.apiPort}/healthz`, launcher);
      await waitForHttp(`http://localhost:${ports.appPort}/api/ready`, launcher);
      const ready = await fetch(`http://localhost:${ports.appPort}/api/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await launcher.stop();
    }
  });
});
