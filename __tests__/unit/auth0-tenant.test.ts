/*
 * deploy/auth0/: the Auth0 tenant as code, held to the app. Every URL it registers is
 * one the app answers, the Action writes the claim the app reads, the Management API
 * grant is exactly what the app calls, and the API is the app's audience. The files are
 * read as the Deploy CLI reads them: keywords replaced with config.example.json's
 * mappings first, then YAML.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { runInNewContext } from "node:vm";
import { Auth0Client } from "@auth0/nextjs-auth0/server";
import { Management } from "auth0";
import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { NextRequest, NextResponse } from "next/server";
import { parse as parseYaml } from "yaml";
import { REQUIRED_SCOPE } from "../../dev/invoices-api/server";
import { DEFAULT_SCOPE, parseConfig } from "../../lib/config";
import { logoutUrlForSdk } from "../../lib/http/return-to";
import { createProviderManagement } from "../../lib/provider/management";

const root = path.resolve(__dirname, "../..");
const deployDir = path.join(root, "deploy/auth0");

const configExample = JSON.parse(
  readFileSync(path.join(deployDir, "config.example.json"), "utf8"),
) as {
  AUTH0_DOMAIN: string;
  AUTH0_CLIENT_ID: string;
  AUTH0_CLIENT_SECRET: string;
  AUTH0_ALLOW_DELETE: unknown;
  AUTH0_INCLUDED_ONLY: string[];
  AUTH0_KEYWORD_REPLACE_MAPPINGS: Record<string, unknown>;
};
const mappings = configExample.AUTH0_KEYWORD_REPLACE_MAPPINGS;
const appBaseUrl = String(mappings.APP_BASE_URL);

/**
 * The Deploy CLI's keyword replacement, as its docs describe it: `##KEY##` becomes the
 * value as it is, `@@KEY@@` the value as JSON. Unknown keys are left in place.
 */
function replaceKeywords(text: string): string {
  return text
    .replace(/##(\w+)##/g, (marker, key: string) =>
      key in mappings ? String(mappings[key]) : marker,
    )
    .replace(/@@(\w+)@@/g, (marker, key: string) =>
      key in mappings ? JSON.stringify(mappings[key]) : marker,
    );
}

const keywordMarker = /##\w+##|@@\w+@@/;

interface Client {
  name: string;
  app_type: string;
  token_endpoint_auth_method?: string;
  grant_types?: string[];
  callbacks?: string[];
  allowed_logout_urls?: string[];
  web_origins?: string[];
  refresh_token?: {
    rotation_type: string;
    expiration_type: string;
    leeway: number;
    token_lifetime: number;
    idle_token_lifetime: number;
  };
  oidc_logout?: {
    backchannel_logout_urls: string[];
    backchannel_logout_initiators: { mode: string; selected_initiators: string[] };
  };
}

interface Tenant {
  clients: Client[];
  clientGrants: Array<{ client_id: string; audience: string; scope: string[] }>;
  resourceServers: Array<{
    identifier: string;
    allow_offline_access?: boolean;
    scopes?: Array<{ value: string }>;
  }>;
  roles: Array<{ name: string }>;
  actions: Array<{
    name: string;
    code: string;
    supported_triggers: Array<{ id: string; version: string }>;
  }>;
  triggers: Record<string, Array<{ action_name: string }>>;
}

const tenantSource = readFileSync(path.join(deployDir, "tenant.yaml"), "utf8");
const tenant = parseYaml(replaceKeywords(tenantSource)) as Tenant;

const app = tenant.clients.find((client) => client.app_type === "regular_web")!;

/** The smallest environment the app starts with, for its defaults. */
const appEnv = {
  AUTH0_DOMAIN: configExample.AUTH0_DOMAIN,
  AUTH0_CLIENT_ID: "app-client",
  AUTH0_CLIENT_SECRET: "app-client-secret",
  AUTH0_SECRET: "a-test-secret-of-at-least-thirty-two-characters",
  APP_BASE_URL: appBaseUrl,
  REDIS_URL: "redis://127.0.0.1:6379",
};
const appDefaults = parseConfig(appEnv);

let proxyConfig: { matcher: string[] };
let backchannelLogoutPath: string;
const envBefore = { ...process.env };

beforeAll(async () => {
  // The app's modules read their configuration as they load; Redis is never reached.
  Object.assign(process.env, appEnv);
  ({ config: proxyConfig } = await import("../../proxy"));
  ({ backchannelLogoutPath } = await import("../../lib/backchannel-logout/route"));
});

afterAll(() => {
  for (const key of Object.keys(appEnv)) delete process.env[key];
  Object.assign(process.env, envBefore);
});

/** Every string anywhere in `value`. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === "object")
    return Object.values(value).flatMap(stringsIn);
  return [];
}

/** Whether Next runs the proxy (proxy.ts) for `url`; its tester keeps the old name. */
function proxyRuns(url: string): boolean {
  return unstable_doesMiddlewareMatch({ config: proxyConfig, url });
}

describe("the tenant's files", () => {
  it("leave no keyword unreplaced: config.example.json maps every one they use", () => {
    const actionCode = tenant.actions.map((action) =>
      replaceKeywords(readFileSync(path.join(deployDir, action.code), "utf8")),
    );
    for (const text of [replaceKeywords(tenantSource), ...actionCode])
      expect(text).not.toMatch(keywordMarker);
  });

  it("keep the deploy client's secret out of git: the example holds placeholders, config.json is ignored", () => {
    expect(configExample.AUTH0_CLIENT_ID).toMatch(/^<.+>$/);
    expect(configExample.AUTH0_CLIENT_SECRET).toMatch(/^<.+>$/);
    // Exit status 0: the path is ignored; 1 would throw.
    const configFile = path.relative(root, path.join(deployDir, "config.json"));
    execFileSync("git", ["check-ignore", "--quiet", configFile], { cwd: root });
  });

  it("never delete what is in the tenant but not in the files, nor touch any other kind of resource", () => {
    expect(configExample.AUTH0_ALLOW_DELETE).toBe(false);
    expect([...configExample.AUTH0_INCLUDED_ONLY].sort()).toEqual(
      Object.keys(tenant).sort(),
    );
  });

  it("keep each Action's code where the Deploy CLI reads it: beside tenant.yaml", () => {
    for (const action of tenant.actions)
      expect(existsSync(path.join(deployDir, action.code))).toBe(true);
  });
});

describe("the application's URLs", () => {
  it("registers as its one callback the URL where the SDK finishes a sign-in", async () => {
    expect(app.callbacks).toHaveLength(1);
    const callback = app.callbacks![0]!;
    const reached: string[] = [];
    const sdk = new Auth0Client({
      domain: configExample.AUTH0_DOMAIN,
      clientId: "app-client",
      clientSecret: "app-client-secret",
      secret: appEnv.AUTH0_SECRET,
      appBaseUrl,
      onCallback: async (error) => {
        reached.push(error?.code ?? "signed in");
        return new NextResponse(null, { status: 204 });
      },
    });
    // Without a `state` the SDK's callback handler refuses the request: it was reached.
    await sdk.middleware(new NextRequest(callback));
    expect(reached).toEqual(["missing_state"]);
    expect(proxyRuns(callback)).toBe(true);
  });

  it("allows as logout URL exactly APP_BASE_URL, the one every logout returns to", () => {
    const returnTo = logoutUrlForSdk(
      `${appBaseUrl}/auth/logout?returnTo=%2Fsessions`,
      appBaseUrl,
    ).searchParams.get("returnTo");
    expect(app.allowed_logout_urls).toEqual([returnTo]);
  });

  it("sends back-channel logouts to the path the app answers them at, through its proxy", () => {
    const [url, ...others] = app.oidc_logout!.backchannel_logout_urls;
    expect(others).toEqual([]);
    expect(url).toBe(`${appBaseUrl}${backchannelLogoutPath}`);
    expect(proxyRuns(url!)).toBe(true);
  });

  it("names no other URL of the app: each one built from APP_BASE_URL is one of those three", () => {
    const served = new Set([
      ...app.callbacks!,
      ...app.allowed_logout_urls!,
      ...app.oidc_logout!.backchannel_logout_urls,
    ]);
    const appUrls = stringsIn(tenant).filter((value) => value.startsWith(appBaseUrl));
    expect(appUrls.filter((url) => !served.has(url))).toEqual([]);
    expect(app.web_origins ?? []).toEqual([]);
  });
});

describe("the application", () => {
  it("is a regular web application that signs in with a code and refreshes with the secret the SDK sends", () => {
    expect(app.app_type).toBe(Management.ClientAppTypeEnum.RegularWeb);
    // The SDK authenticates at the token endpoint with client_secret_post.
    expect(app.token_endpoint_auth_method).toBe(
      Management.ClientTokenEndpointAuthMethodEnum.ClientSecretPost,
    );
    expect(app.grant_types).toEqual(["authorization_code", "refresh_token"]);
  });

  it("rotates refresh tokens with no reuse interval, for as long as the app's longest session", () => {
    expect(DEFAULT_SCOPE.split(" ")).toContain("offline_access");
    expect(app.refresh_token).toMatchObject({
      rotation_type: Management.RefreshTokenRotationTypeEnum.Rotating,
      expiration_type: Management.RefreshTokenExpirationTypeEnum.Expiring,
      leeway: 0,
      token_lifetime: appDefaults.session.absoluteDuration,
      idle_token_lifetime: appDefaults.session.absoluteDuration,
    });
  });

  it("selects, one by one, every back-channel logout initiator Auth0's Management API knows", () => {
    const { mode, selected_initiators: selected } =
      app.oidc_logout!.backchannel_logout_initiators;
    expect(mode).toBe(Management.ClientOidcBackchannelLogoutInitiatorsModeEnum.Custom);
    expect([...selected].sort()).toEqual(
      Object.values(Management.ClientOidcBackchannelLogoutInitiatorsEnum).sort(),
    );
  });
});

describe("roles", () => {
  /** Runs the Action's code, as Auth0 would, for `event`; returns the claims it set. */
  async function idTokenClaimsSetBy(
    code: string,
    event: object,
  ): Promise<Record<string, unknown>> {
    const claims: Record<string, unknown> = {};
    const api = {
      idToken: {
        setCustomClaim: (name: string, value: unknown) => {
          claims[name] = value;
        },
      },
    };
    const commonJsModule = { exports: {} as Record<string, unknown> };
    runInNewContext(code, { module: commonJsModule, exports: commonJsModule.exports });
    const onExecutePostLogin = commonJsModule.exports.onExecutePostLogin as (
      event: object,
      api: object,
    ) => Promise<void>;
    await onExecutePostLogin(event, api);
    // Plain values of this realm, so that they compare as the app would read them.
    return JSON.parse(JSON.stringify(claims)) as Record<string, unknown>;
  }

  const postLoginActions = tenant.actions.filter((action) =>
    action.supported_triggers.some((trigger) => trigger.id === "post-login"),
  );

  it("defines the admin role the app checks for", () => {
    expect(tenant.roles.map((role) => role.name)).toContain("admin");
  });

  it("binds to post-login an Action that lists the user's roles under the claim the app reads by default", async () => {
    const bound = tenant.triggers["post-login"]!.map((binding) => binding.action_name);
    const actions = postLoginActions.filter((action) => bound.includes(action.name));
    expect(actions).toHaveLength(1);
    const code = replaceKeywords(
      readFileSync(path.join(deployDir, actions[0]!.code), "utf8"),
    );
    const claim = appDefaults.sessions.rolesClaim;

    expect(
      await idTokenClaimsSetBy(code, { authorization: { roles: ["admin", "support"] } }),
    ).toEqual({ [claim]: ["admin", "support"] });
    // Always an array: the app reads any other value as no role at all.
    expect(await idTokenClaimsSetBy(code, { authorization: { roles: [] } })).toEqual({
      [claim]: [],
    });
    expect(await idTokenClaimsSetBy(code, {})).toEqual({ [claim]: [] });
  });
});

describe("the Management API", () => {
  /**
   * The sessions endpoints of Auth0's Management API and the scope each requires, from
   * Auth0's API reference. An endpoint missing here fails the test below: add it with
   * its scope, and the scope to the grant.
   */
  const scopeOfEndpoint: Record<string, string> = {
    "GET /api/v2/sessions/{id}": "read:sessions",
    "DELETE /api/v2/sessions/{id}": "delete:sessions",
    "POST /api/v2/sessions/{id}/revoke": "delete:sessions",
    "GET /api/v2/users/{id}/sessions": "read:sessions",
    "DELETE /api/v2/users/{id}/sessions": "delete:sessions",
  };

  const managementClient = tenant.clients.find(
    (client) => client.app_type === Management.ClientAppTypeEnum.NonInteractive,
  )!;

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it("grants the app's machine-to-machine client exactly the scopes of the calls lib/provider/management.ts makes", async () => {
    const id = "session-id-under-test";
    const calls: string[] = [];
    const tokenAudiences: string[] = [];
    // The network edge: Auth0's token endpoint and Management API, answered here.
    jest.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = init?.method ?? (input instanceof Request ? input.method : "GET");
      if (url.pathname === "/oauth/token") {
        const sent = init?.body;
        const body =
          typeof sent === "string"
            ? sent
            : sent instanceof URLSearchParams
              ? `${sent}`
              : "";
        const params = body.startsWith("{")
          ? (JSON.parse(body) as Record<string, string>)
          : Object.fromEntries(new URLSearchParams(body));
        tokenAudiences.push(params.audience ?? "");
        return Response.json({
          access_token: "management-access-token",
          token_type: "Bearer",
          expires_in: 86400,
        });
      }
      calls.push(`${method} ${url.pathname.replace(encodeURIComponent(id), "{id}")}`);
      return new Response(null, { status: 202 });
    });

    const management = createProviderManagement({
      domain: configExample.AUTH0_DOMAIN,
      clientId: "management-client",
      clientSecret: "management-client-secret",
    });
    for (const call of Object.values(management) as Array<(id: string) => unknown>)
      await call(id);

    expect(calls.length).toBeGreaterThan(0);
    const unknown = calls.filter((call) => !(call in scopeOfEndpoint));
    expect(unknown).toEqual([]);
    const needed = [...new Set(calls.map((call) => scopeOfEndpoint[call]!))].sort();

    const grants = tenant.clientGrants.filter(
      (grant) => grant.client_id === managementClient.name,
    );
    expect(grants).toHaveLength(1);
    expect([...grants[0]!.scope].sort()).toEqual(needed);
    // The grant is for the API the app asks a token for.
    expect(new Set(tokenAudiences)).toEqual(new Set([grants[0]!.audience]));
  });

  it("lets that client get tokens by client credentials, as the app does", () => {
    expect(managementClient.grant_types).toEqual(["client_credentials"]);
    expect(managementClient.token_endpoint_auth_method).toBe(
      Management.ClientTokenEndpointAuthMethodEnum.ClientSecretPost,
    );
  });
});

describe("the API", () => {
  const envExample = parseEnv(readFileSync(path.join(root, ".env.example"), "utf8"));
  const api = tenant.resourceServers.find(
    (server) => server.identifier === envExample.AUTH0_AUDIENCE,
  );

  it("is the audience .env.example asks tokens for", () => {
    expect(api).toBeDefined();
  });

  it("defines the scope the invoices API requires, and refresh tokens for it", () => {
    expect(api?.scopes?.map((scope) => scope.value)).toContain(REQUIRED_SCOPE);
    expect(api?.allow_offline_access).toBe(true);
  });
});
