/*
 * `npm run dev:local` / `npm run start:local` (scripts/local-stack.ts) against
 * `docker compose up` (docker-compose.yml): each part of the stack starts with what
 * compose gives it, so the app behaves the same under both, /sessions included.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { parse as parseYaml } from "yaml";
import { loadConfig as loadProviderConfig } from "../../dev/idp/config";
import { loadConfig as loadInvoicesApiConfig } from "../../dev/invoices-api/config";
import { parseConfig } from "../../lib/config";
import { localStackEnvironments } from "../../scripts/local-stack";

// dev/idp/ imports the product's lib/shared with a ".js" suffix (an ESM-style path tsx
// resolves); jest resolves no ".js" to a ".ts", so that one path is pointed at the real
// module.
jest.mock(
  "../../lib/shared.js",
  () => jest.requireActual<typeof import("../../lib/shared")>("../../lib/shared"),
  { virtual: true },
);

const root = path.resolve(__dirname, "../..");

type Env = Record<string, string>;

interface ComposeFile {
  services: Record<string, { environment?: Record<string, string> }>;
}

const compose = parseYaml(
  readFileSync(path.join(root, "docker-compose.yml"), "utf8"),
) as ComposeFile;

/**
 * A service's environment as compose sets it from a shell that sets nothing:
 * `${NAME:-default}` is its default (the only form docker-compose.yml uses).
 */
function composeEnvironment(service: string): Env {
  const environment = compose.services[service]?.environment;
  if (!environment) throw new Error(`docker-compose.yml has no service ${service}`);
  const resolved: Env = {};
  for (const [key, value] of Object.entries(environment)) {
    resolved[key] = String(value).replace(
      /\$\{(\w+)(?::-([^}]*))?\}/g,
      (_whole, _name: string, fallback?: string) => fallback ?? "",
    );
  }
  return resolved;
}

/**
 * What differs between the two stacks on purpose: where each part runs, never how it
 * behaves.
 */
const differsOnPurpose: Record<string, Record<string, string>> = {
  app: {
    REDIS_URL: "compose reaches Redis by its service name; the scripts, on this machine",
  },
  idp: {
    IDP_KEY_FILE:
      "compose keeps the signing key in a volume; the scripts in dev/idp/.data/signing-key.json (both survive restarts)",
  },
};

/** `env` restricted to the variables compose sets for `service`, less the ones above. */
function comparable(service: string, env: Env | undefined): Env {
  const keys = Object.keys(composeEnvironment(service)).filter(
    (key) => !(key in (differsOnPurpose[service] ?? {})),
  );
  return Object.fromEntries(keys.map((key) => [key, env?.[key] ?? "(unset)"]));
}

const nothingSet = localStackEnvironments({ shell: {}, dotenv: {} });

/** `value`, which the test needs: an undefined one fails it here, not as a default later. */
function started(value: Env | undefined): Env {
  if (value === undefined) throw new Error("expected this part of the stack to start");
  return value;
}

describe("the local stack's environment, against docker compose", () => {
  it.each([
    ["app", nothingSet.app],
    ["idp", nothingSet.provider],
    ["invoices-api", nothingSet.invoicesApi],
  ])("gives %s every value compose gives it", (service, env) => {
    const fromCompose = composeEnvironment(service);
    expect(comparable(service, env)).toEqual(comparable(service, fromCompose));
  });

  it("differs only where the parts run, and says why", () => {
    const redisUrl = new URL(nothingSet.app.REDIS_URL!);
    expect(redisUrl.hostname).toBe("127.0.0.1");
    expect(composeEnvironment("app").REDIS_URL).toBe("redis://redis:6379");
    expect(nothingSet.provider?.IDP_KEY_FILE).toBeUndefined();
  });

  it("turns on the provider's end of a session as compose does: the app's Management client is one the provider knows", () => {
    for (const [app, provider] of [
      [nothingSet.app, started(nothingSet.provider)],
      [composeEnvironment("app"), composeEnvironment("idp")],
    ] as const) {
      const management = parseConfig(app).auth0.management;
      const providerConfig = loadProviderConfig(provider, root);
      expect(management).toEqual({
        clientId: providerConfig.managementClientId,
        clientSecret: providerConfig.managementClientSecret,
      });
    }
  });

  it("starts each part with a configuration it accepts, and the provider knows the app", () => {
    const app = parseConfig(nothingSet.app);
    const provider = loadProviderConfig(started(nothingSet.provider), root);
    const invoicesApi = loadInvoicesApiConfig(started(nothingSet.invoicesApi));
    expect(provider.clientId).toBe(app.auth0.clientId);
    expect(provider.clientSecret).toBe(app.auth0.clientSecret);
    expect(provider.appOrigins).toEqual([new URL(app.auth0.appBaseUrl).origin]);
    expect(provider.issuer).toBe(`${app.auth0.domain}/`);
    expect(provider.audience).toBe(app.auth0.audience);
    expect(invoicesApi.issuer).toBe(provider.issuer);
    expect(`http://localhost:${invoicesApi.port}`).toBe(app.invoicesApiUrl);
    expect(provider.rolesClaim).toBe(app.sessions.rolesClaim);
  });

  it("is the same with a .env copied from .env.example", () => {
    const dotenv = parseEnv(readFileSync(path.join(root, ".env.example"), "utf8"));
    expect(localStackEnvironments({ shell: {}, dotenv })).toEqual(nothingSet);
  });
});

describe("the local stack's environment, from the shell and .env", () => {
  it("takes the shell's value over .env's, and .env's over the default", () => {
    const { app } = localStackEnvironments({
      shell: { AUTH0_CLIENT_ID: "from-shell" },
      dotenv: { AUTH0_CLIENT_ID: "from-dotenv", AUTH0_SECRET: "x".repeat(40) },
    });
    expect(app.AUTH0_CLIENT_ID).toBe("from-shell");
    expect(app.AUTH0_SECRET).toBe("x".repeat(40));
    expect(app.REDIS_URL).toBe("redis://127.0.0.1:6379");
  });

  it("reads an empty value as unset, as compose's ${NAME:-default} does", () => {
    const { app } = localStackEnvironments({
      shell: {},
      dotenv: {
        AUTH0_CLIENT_ID: "",
        AUTH0_MGMT_CLIENT_ID: "",
        AUTH0_MGMT_CLIENT_SECRET: "",
      },
    });
    expect(app.AUTH0_CLIENT_ID).toBe(nothingSet.app.AUTH0_CLIENT_ID);
    expect(app.AUTH0_MGMT_CLIENT_ID).toBe(nothingSet.app.AUTH0_MGMT_CLIENT_ID);
  });

  it("gives the provider the app's own Management client and roles claim, when .env names them", () => {
    const parts = localStackEnvironments({
      shell: {},
      dotenv: {
        AUTH0_MGMT_CLIENT_ID: "my-mgmt-client",
        AUTH0_MGMT_CLIENT_SECRET: "my-mgmt-client-secret",
        AUTH0_ROLES_CLAIM: "https://roles.example.org/roles",
      },
    });
    const provider = loadProviderConfig(started(parts.provider), root);
    expect(parseConfig(parts.app).auth0.management).toEqual({
      clientId: provider.managementClientId,
      clientSecret: provider.managementClientSecret,
    });
    expect(provider.managementClientId).toBe("my-mgmt-client");
    expect(provider.rolesClaim).toBe(parseConfig(parts.app).sessions.rolesClaim);
  });

  it("starts no provider for a real tenant, and gives the app no Management client of the local one", () => {
    const parts = localStackEnvironments({
      shell: {},
      dotenv: { AUTH0_DOMAIN: "your-tenant.eu.auth0.com" },
    });
    expect(parts.provider).toBeUndefined();
    expect(parts.app.AUTH0_MGMT_CLIENT_ID).toBeUndefined();
    expect(parseConfig(parts.app).auth0.management).toBeUndefined();
  });

  it("runs the app on APP_BASE_URL's port, or on 3000 behind a public URL without one", () => {
    const onPort = localStackEnvironments({
      shell: { APP_BASE_URL: "http://localhost:3100" },
      dotenv: {},
    });
    expect(onPort.app.PORT).toBe("3100");
    expect(onPort.provider?.IDP_APP_URLS).toBe("http://localhost:3100");
    const tunnelled = localStackEnvironments({
      shell: { APP_BASE_URL: "https://example.trycloudflare.com" },
      dotenv: {},
    });
    expect(tunnelled.app.PORT).toBe("3000");
  });
});
