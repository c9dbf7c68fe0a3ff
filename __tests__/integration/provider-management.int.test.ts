/*
 * The app's client of the provider's Management API (lib/provider/management.ts), against
 * the real local provider over http://. Only the outages (a closed port, a 5xx) are stubs.
 */
import { createServer } from "node:http";
import { decodeJwt } from "jose";
import { freePort } from "../../dev/harness/free-port";
import { ProviderManagementUnavailableError } from "../../lib/errors";
import {
  createProviderManagement,
  endProviderSession,
  isProviderManagementConfigured,
} from "../../lib/provider/management";
import {
  closeServer,
  listenOnLoopback,
  localAppClient,
  localManagementClient,
  logInWithCode,
  providerTokenRequest,
  startFakeRelyingParty,
  startLocalProvider,
  type FakeRelyingParty,
} from "../support/local-provider";
import type { RunningProcess } from "../support/processes";

const { id: clientId, secret: clientSecret } = localAppClient;
const { id: mgmtClientId, secret: mgmtClientSecret } = localManagementClient;

let idp: RunningProcess;
let idpUrl: string;
let app: FakeRelyingParty;
const savedEnv = { ...process.env };

function tokenRequest(params: Record<string, string>): Promise<Response> {
  return providerTokenRequest(idpUrl, {
    client_id: clientId,
    client_secret: clientSecret,
    ...params,
  });
}

/** Alice's login over HTTP with the authorization code flow: her session's sid and tokens. */
function logInAlice() {
  return logInWithCode(idpUrl, app.url, {
    username: "alice",
    password: "alice-password",
  });
}

beforeAll(async () => {
  app = await startFakeRelyingParty();
  ({ url: idpUrl, process: idp } = await startLocalProvider(
    "idp-provider-management",
    app.url,
  ));
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
  await app?.close();
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
        domain: await listenOnLoopback(server),
        clientId: mgmtClientId,
        clientSecret: mgmtClientSecret,
      });
      try {
        await expect(management.endProviderSession("any-sid")).rejects.toBeInstanceOf(
          ProviderManagementUnavailableError,
        );
      } finally {
        await closeServer(server);
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
