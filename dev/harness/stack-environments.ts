/*
 * What the parts of the local stack (dev/harness/local-stack.ts) must agree on, as
 * environment variables: pure, so that a unit test holds it to docker-compose.yml.
 */
import { issuerForDomain } from "../../lib/shared";

type Env = Record<string, string>;

/**
 * The local provider's own default clients (dev/idp/config.ts): the ones it knows when
 * it is told none, as under `docker compose up`.
 */
export const localProviderClients = {
  app: { id: "local-app-client", secret: "local-app-client-secret-change-me-0123456789" },
  management: {
    id: "local-mgmt-client",
    secret: "local-mgmt-client-secret-change-me-0123456789",
  },
} as const;

/** The environment each part of the stack runs with, over its base environment. */
export interface StackEnvironments {
  /** One per app instance. */
  apps: Env[];
  /** Undefined for a real tenant (an `https://` or bare AUTH0_DOMAIN): no local provider. */
  provider: Env | undefined;
  /** Undefined without AUTH0_AUDIENCE: the app calls no API. */
  invoicesApi: Env | undefined;
}

/**
 * What the parts must agree on, from the app instances' own settings: the provider
 * serves the issuer AUTH0_DOMAIN names, on its port, knows the app's client (and its
 * Management client and roles claim, when set) and sends users back to every
 * APP_BASE_URL; the invoices API accepts that issuer's tokens for AUTH0_AUDIENCE and
 * listens where INVOICES_API_URL points; each app listens on its APP_BASE_URL's port
 * (3000 behind a public URL without one). Pure: every app is given `AUTH0_DOMAIN`,
 * `AUTH0_CLIENT_ID`, `AUTH0_CLIENT_SECRET` and `APP_BASE_URL`.
 */
export function stackEnvironments(apps: readonly Env[]): StackEnvironments {
  const app = apps[0];
  if (!app) throw new Error("a stack has at least one app");
  const domain = new URL(issuerForDomain(app.AUTH0_DOMAIN!));
  // An http:// domain is the local provider; anything else is a real tenant.
  const provider: Env | undefined =
    domain.protocol === "http:"
      ? {
          IDP_PORT: portOf(domain),
          IDP_ISSUER: domain.toString(),
          IDP_APP_URLS: apps.map((each) => each.APP_BASE_URL!).join(","),
          IDP_CLIENT_ID: app.AUTH0_CLIENT_ID!,
          IDP_CLIENT_SECRET: app.AUTH0_CLIENT_SECRET!,
          ...(app.AUTH0_MGMT_CLIENT_ID && app.AUTH0_MGMT_CLIENT_SECRET
            ? {
                IDP_MGMT_CLIENT_ID: app.AUTH0_MGMT_CLIENT_ID,
                IDP_MGMT_CLIENT_SECRET: app.AUTH0_MGMT_CLIENT_SECRET,
              }
            : {}),
          ...(app.AUTH0_ROLES_CLAIM ? { IDP_ROLES_CLAIM: app.AUTH0_ROLES_CLAIM } : {}),
          ...(app.AUTH0_AUDIENCE ? { IDP_AUDIENCE: app.AUTH0_AUDIENCE } : {}),
        }
      : undefined;
  const invoicesApi: Env | undefined = app.AUTH0_AUDIENCE
    ? {
        AUTH0_DOMAIN: app.AUTH0_DOMAIN!,
        AUTH0_AUDIENCE: app.AUTH0_AUDIENCE,
        INVOICES_API_PORT: portOf(
          new URL(app.INVOICES_API_URL ?? "http://localhost:5000"),
        ),
      }
    : undefined;
  return {
    apps: apps.map((each) => ({
      ...each,
      PORT: new URL(each.APP_BASE_URL!).port || "3000",
    })),
    provider,
    invoicesApi,
  };
}

/** The port `url` is served on: the browser and the app connect to exactly that one. */
function portOf(url: URL): string {
  return url.port || (url.protocol === "https:" ? "443" : "80");
}
