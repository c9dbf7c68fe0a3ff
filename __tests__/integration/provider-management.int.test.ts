/*
 * The app's client of the provider's Management API (lib/provider/management.ts), against
 * the real local provider over http://. Only the outages (a closed port, a 5xx) are stubs.
 */
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeJwt } from "jose";
import { freePort } from "../../dev/harness/free-port";
import { HttpAgent, submitProviderLogin } from "../../dev/harness/http-agent";
import { baseEnv } from "../../dev/harness/processes";
import { ProviderManagementUnavailableError } from "../../lib/errors";
import {
  createProviderManagement,
  endProviderSession,
  isProviderManagementConfigured,
} from "../../lib/provider/management";
import { startProcess, waitForHttp, type RunningProcess } from "../support/processes";

const clientId = "local-app-client";
const clientSecret = "local-app-client-secret-change-me-0123456789";
const mgmtClientId = "local-mgmt-client";
const mgmtClientSecret = "local-mgmt-client-secret-change-me-0123456789";

let idp: RunningProcess;
let idpUrl: string;
let app: { url: string; server: Server; logoutTokens: string[] };
const savedEnv = { ...process.env };

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The app's back-channel logout endpoint, recording the sids of the tokens it receives. */
async function startFakeApp() {
  const logoutTokens: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const token = new URLSearchParams(Buffer.concat(chunks).toString()).get(
        "logout_token",
      );
      if (token) logoutTokens.push(token);
      res.writeHead(token ? 200 : 404).end();
    });
  });
  return { url: await listen(server), server, logoutTokens };
}

async function tokenRequest(params: Record<string, string>): Promise<Response> {
  return fetch(`${idpUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: clientId,
      client_secret: clientSecret,
      ...params,
    }),
  });
}

/** Alice's login over HTTP with the authorization code flow: her session's sid and tokens. */
async function logInAlice(): Promise<{ sid: string; refreshToken: string }> {
  const agent = new HttpAgent();
  const redirectUri = `${app.url}/auth/callback`;
  const authorize = new URL("/authorize", idpUrl);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    response_type: "code",
    redirect_uri: redirectUri,
    scope: "openid profile offline_access",
  }).toString();
  const isCallback = (url: URL) => url.href.startsWith(redirectUri);
  const toLogin = await agent.follow(authorize.toString(), isCallback);
  await toLogin.response.arrayBuffer();
  const loginPage = toLogin.hops[toLogin.hops.length - 1]!;
  const submitted = await submitProviderLogin(agent, loginPage, {
    username: "alice",
    password: "alice-password",
  });
  const toCallback = await agent.follow(
    new URL(submitted.headers.get("location") ?? "", loginPage).toString(),
    isCallback,
  );
  const code = toCallback.next?.searchParams.get("code");
  if (!code) throw new Error(`no code: ${toCallback.hops.join(" → ")}`);
  const response = await tokenRequest({
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri,
  });
  const tokens = (await response.json()) as { id_token: string; refresh_token: string };
  return {
    sid: String(decodeJwt(tokens.id_token).sid),
    refreshToken: tokens.refresh_token,
  };
}

beforeAll(async () => {
  app = await startFakeApp();
  const port = await freePort();
  idpUrl = `http://127.0.0.1:${port}`;
  idp = startProcess(
    "idp-provider-management",
    process.execPath,
    [require.resolve("tsx/cli"), "dev/idp/server.ts"],
    {
      ...baseEnv(),
      IDP_PORT: String(port),
      IDP_HOST: "127.0.0.1",
      IDP_ISSUER: idpUrl,
      IDP_APP_URLS: app.url,
      IDP_KEY_FILE: path.join(mkdtempSync(path.join(tmpdir(), "idp-key-")), "key.json"),
    },
  );
  await waitForHttp(`${idpUrl}/healthz`, idp);
  // The app's configuration, as .env.example sets it for the local provider.
  Object.assign(process.env, {
    AUTH0_DOMAIN: idpUrl,
    AUTH0_CLIENT_ID: clientId,
    AUTH0_CLIENT_SECRET: clientSecret,
    AUTH0_SECRET: "provider-management-test-secret-0123456789abcdef",
    APP_BASE_URL: app.url,
    AUTH0_MGMT_CLIENT_ID: mgmtClientId,
    AUTH0_MGMT_CLIENT_SECRET: mgmtClientSecret,
  });
}, 60_000);

afterAll(async () => {
  process.env = savedEnv;
  await idp?.stop();
  if (app) await close(app.server);
});

beforeEach(() => {
  app.logoutTokens.length = 0;
});

describe("isProviderManagementConfigured", () => {
  it("is true when AUTH0_MGMT_CLIENT_ID and AUTH0_MGMT_CLIENT_SECRET are set", () => {
    expect(isProviderManagementConfigured()).toBe(true);
  });

  it("is false when neither is set", () => {
    const {
      AUTH0_MGMT_CLIENT_ID: _id,
      AUTH0_MGMT_CLIENT_SECRET: _secret,
      ...rest
    } = process.env;
    const before = process.env;
    process.env = rest;
    try {
      jest.isolateModules(() => {
        // A fresh module registry: the configuration is read again, without the two.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require("../../lib/provider/management") as {
          isProviderManagementConfigured: () => boolean;
        };
        expect(fresh.isProviderManagementConfigured()).toBe(false);
      });
    } finally {
      process.env = before;
    }
  });
});

describe("endProviderSession", () => {
  it("ends the local provider's session by its sid: the app gets its logout token and its refresh tokens stop working", async () => {
    const alice = await logInAlice();

    await expect(endProviderSession(alice.sid)).resolves.toBe("ended");

    expect(app.logoutTokens.map((token) => decodeJwt(token))).toEqual([
      expect.objectContaining({ sid: alice.sid, sub: "auth0|alice" }),
    ]);
    const refused = await tokenRequest({
      grant_type: "refresh_token",
      refresh_token: alice.refreshToken,
    });
    expect(await refused.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("answers not_found for a sid the provider does not know, or no longer knows", async () => {
    const alice = await logInAlice();
    await expect(endProviderSession(alice.sid)).resolves.toBe("ended");
    await expect(endProviderSession(alice.sid)).resolves.toBe("not_found");
    await expect(endProviderSession("no-such-session")).resolves.toBe("not_found");
    expect(app.logoutTokens).toHaveLength(1);
  });

  it("throws ProviderManagementUnavailableError when nothing listens at the provider's address", async () => {
    const management = createProviderManagement({
      domain: `http://127.0.0.1:${await freePort()}`,
      clientId: mgmtClientId,
      clientSecret: mgmtClientSecret,
    });
    const error: unknown = await management
      .endProviderSession("any-sid")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderManagementUnavailableError);
    expect((error as ProviderManagementUnavailableError).code).toBe(
      "provider_management_unavailable",
    );
  });

  it.each([
    ["its token endpoint", "/oauth/token"],
    ["the sessions endpoint", "/api/v2/sessions/any-sid/revoke"],
  ])(
    "throws ProviderManagementUnavailableError when %s answers 5xx",
    async (_where, failingPath) => {
      // A provider in trouble: the one thing these tests stub.
      const server = createServer((req, res) => {
        if (req.url === failingPath) {
          res.writeHead(503, { "content-type": "application/json" });
          res.end(JSON.stringify({ statusCode: 503, error: "Service Unavailable" }));
        } else {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(
            JSON.stringify({ access_token: "t", token_type: "Bearer", expires_in: 60 }),
          );
        }
      });
      const management = createProviderManagement({
        domain: await listen(server),
        clientId: mgmtClientId,
        clientSecret: mgmtClientSecret,
      });
      try {
        await expect(management.endProviderSession("any-sid")).rejects.toBeInstanceOf(
          ProviderManagementUnavailableError,
        );
      } finally {
        await close(server);
      }
    },
  );

  it("lets a refusal of its credentials through as the SDK's error, not as an outage", async () => {
    const management = createProviderManagement({
      domain: idpUrl,
      clientId: mgmtClientId,
      clientSecret: "wrong-secret",
    });
    const error: unknown = await management
      .endProviderSession("any-sid")
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ProviderManagementUnavailableError);
    expect(error).toMatchObject({ statusCode: 401 });
  });
});
