/*
 * The development tools' configurations (dev/idp/config.ts, dev/invoices-api/config.ts)
 * read the environment as the app's does: one issuer function, and every bad variable
 * named at once. And the local stack's parts agree with one another
 * (dev/harness/stack-environments.ts).
 */
import path from "node:path";
import { stackEnvironments } from "../../dev/harness/local-stack";
import { localProviderClients } from "../../dev/harness/stack-environments";
import { ConfigError, loadConfig as loadProviderConfig } from "../../dev/idp/config";
import { loadConfig as loadInvoicesApiConfig } from "../../dev/invoices-api/config";
import { issuerForDomain } from "../../lib/provider/issuer";

// dev/idp/ imports the product's lib/shared with a ".js" suffix (an ESM-style path tsx
// resolves); jest resolves no ".js" to a ".ts", so that one path is pointed at the real
// module.
jest.mock(
  "../../lib/shared.js",
  () => jest.requireActual<typeof import("../../lib/shared")>("../../lib/shared"),
  { virtual: true },
);

const root = path.resolve(__dirname, "../..");

/** The variables a ConfigError thrown by `load` names, in order. */
function refusedVariables(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError)
      return error.problems.map((problem) => problem.variable);
    throw error;
  }
  throw new Error("the configuration was accepted");
}

/** `env`, which the test needs: an undefined one fails it here, not as process.env later. */
function started(env: Record<string, string> | undefined): Record<string, string> {
  if (env === undefined) throw new Error("expected this part of the stack to start");
  return env;
}

describe("the local provider's configuration", () => {
  it("names every bad variable at once, not the first", () => {
    const refused = refusedVariables(() =>
      loadProviderConfig(
        {
          IDP_PORT: "70000",
          IDP_ISSUER: "http://localhost:4000/path",
          IDP_APP_URLS: "http://localhost:3000,localhost:3001",
          IDP_AUDIENCE: "urn:a#b",
          IDP_API_SCOPES: 'read:"quoted"',
          IDP_ROLES_CLAIM: "roles",
          IDP_CLIENT_SECRET: "has white space",
          IDP_SESSION_TTL: "-1",
        },
        root,
      ),
    );
    expect(refused.sort()).toEqual(
      [
        "IDP_PORT",
        "IDP_ISSUER",
        "IDP_APP_URLS",
        "IDP_AUDIENCE",
        "IDP_API_SCOPES",
        "IDP_ROLES_CLAIM",
        "IDP_CLIENT_SECRET",
        "IDP_SESSION_TTL",
      ].sort(),
    );
  });

  it("refuses a Management client that is the app's, and the Management API as the audience", () => {
    expect(
      refusedVariables(() =>
        loadProviderConfig({ IDP_MGMT_CLIENT_ID: "same", IDP_CLIENT_ID: "same" }, root),
      ),
    ).toEqual(["IDP_MGMT_CLIENT_ID"]);
    expect(
      refusedVariables(() =>
        loadProviderConfig({ IDP_AUDIENCE: "http://localhost:4000/api/v2/" }, root),
      ),
    ).toEqual(["IDP_AUDIENCE"]);
  });

  it("serves the issuer the app derives from the same origin, on its port by default", () => {
    expect(loadProviderConfig({ IDP_PORT: "4100" }, root).issuer).toBe(
      issuerForDomain("http://localhost:4100"),
    );
    expect(loadProviderConfig({ IDP_ISSUER: "http://idp.test:4000" }, root).issuer).toBe(
      "http://idp.test:4000/",
    );
  });

  it("knows by default the clients the harness and the scripts give the app", () => {
    const config = loadProviderConfig({}, root);
    expect({
      app: { id: config.clientId, secret: config.clientSecret },
      management: {
        id: config.managementClientId,
        secret: config.managementClientSecret,
      },
    }).toEqual(localProviderClients);
  });
});

describe("the invoices API's configuration", () => {
  it("names every bad variable at once, not the first", () => {
    const refused = refusedVariables(() =>
      loadInvoicesApiConfig({
        AUTH0_DOMAIN: "https://my-tenant.eu.auth0.com/api",
        AUTH0_AUDIENCE: "urn:a b",
        INVOICES_API_PORT: "0",
        INVOICES_API_HOST: "a/b",
      }),
    );
    expect(refused.sort()).toEqual(
      ["AUTH0_DOMAIN", "AUTH0_AUDIENCE", "INVOICES_API_PORT", "INVOICES_API_HOST"].sort(),
    );
  });

  it.each([
    "my-tenant.eu.auth0.com",
    "http://localhost:4000",
    "https://login.example.com/",
  ])("accepts the issuer the app derives from AUTH0_DOMAIN=%s", (domain) => {
    expect(loadInvoicesApiConfig({ AUTH0_DOMAIN: domain }).issuer).toBe(
      issuerForDomain(domain),
    );
  });
});

describe("the local stack's parts", () => {
  const app = (port: number) => ({
    AUTH0_DOMAIN: "http://localhost:4100",
    AUTH0_CLIENT_ID: "client",
    AUTH0_CLIENT_SECRET: "secret",
    AUTH0_AUDIENCE: "urn:invoices-api",
    APP_BASE_URL: `http://localhost:${port}`,
    INVOICES_API_URL: "http://localhost:5100",
  });

  it("start each with a configuration it accepts, agreeing with the others", () => {
    const parts = stackEnvironments([app(3100), app(3200)]);
    const provider = loadProviderConfig(started(parts.provider), root);
    const invoicesApi = loadInvoicesApiConfig(started(parts.invoicesApi));
    expect(provider.port).toBe(4100);
    expect(provider.appOrigins).toEqual([
      "http://localhost:3100",
      "http://localhost:3200",
    ]);
    expect(provider.clientId).toBe("client");
    expect(provider.audience).toBe("urn:invoices-api");
    expect(invoicesApi.issuer).toBe(provider.issuer);
    expect(invoicesApi.port).toBe(5100);
    expect(parts.apps.map((each) => each.PORT)).toEqual(["3100", "3200"]);
  });

  it("have no local provider for a real tenant", () => {
    const parts = stackEnvironments([
      { ...app(3100), AUTH0_DOMAIN: "tenant.eu.auth0.com" },
    ]);
    expect(parts.provider).toBeUndefined();
    expect(loadInvoicesApiConfig(started(parts.invoicesApi)).issuer).toBe(
      "https://tenant.eu.auth0.com/",
    );
  });
});
