import { DEFAULT_SCOPE, parseConfig } from "../../lib/config";
import { problemsOf, validEnv } from "../support/config-env";
import { ConfigError } from "../../lib/errors";

const valid = validEnv;

describe("configuration", () => {
  it("accepts a complete environment and fills the SDK's defaults", () => {
    const config = parseConfig(valid);
    expect(config.auth0.scope).toBe(DEFAULT_SCOPE);
    expect(config.auth0.scope).toBe("openid profile email offline_access");
    expect(config.auth0.audience).toBeUndefined();
    expect(config.auth0.allowInsecureRequests).toBe(false);
    expect(config.auth0.enableAccessTokenEndpoint).toBe(false);
    expect(config.session).toEqual({
      rolling: true,
      absoluteDuration: 259200,
      inactivityDuration: 86400,
    });
    expect(config.redis).toEqual({
      kind: "single",
      url: "redis://127.0.0.1:6379",
      keyPrefix: "auth0:",
      acceptEviction: false,
    });
  });

  it("refuses an AUTH0_SECRET shorter than 32 characters and says how to make one", () => {
    const problems = problemsOf({ ...valid, AUTH0_SECRET: "short" });
    expect(problems.AUTH0_SECRET).toMatch(/at least 32 characters.*openssl rand -hex 32/);
  });

  it("uses a Redis Cluster from REDIS_CLUSTER_NODES, and then needs no REDIS_URL", () => {
    const { REDIS_URL: _unused, ...withoutUrl } = valid;
    const config = parseConfig({
      ...withoutUrl,
      REDIS_CLUSTER_NODES: "redis://10.0.0.1:6379, redis://10.0.0.2:6379",
    });
    expect(config.redis).toEqual({
      kind: "cluster",
      nodes: ["redis://10.0.0.1:6379", "redis://10.0.0.2:6379"],
      keyPrefix: "auth0:",
      acceptEviction: false,
    });
  });

  it("accepts an evicting Redis only when REDIS_ACCEPT_EVICTION is true", () => {
    expect(
      parseConfig({ ...valid, REDIS_ACCEPT_EVICTION: "" }).redis.acceptEviction,
    ).toBe(false);
    expect(
      parseConfig({ ...valid, REDIS_ACCEPT_EVICTION: "false" }).redis.acceptEviction,
    ).toBe(false);
    expect(
      parseConfig({ ...valid, REDIS_ACCEPT_EVICTION: " TRUE " }).redis.acceptEviction,
    ).toBe(true);
    expect(problemsOf({ ...valid, REDIS_ACCEPT_EVICTION: "yes" })).toEqual({
      REDIS_ACCEPT_EVICTION: 'must be "true" or "false" (got "yes")',
    });
  });

  it("refuses cluster nodes that are not redis:// URLs, and neither REDIS_URL nor nodes", () => {
    const { REDIS_URL: _unused, ...withoutUrl } = valid;
    expect(() =>
      parseConfig({ ...withoutUrl, REDIS_CLUSTER_NODES: "10.0.0.1:6379" }),
    ).toThrow(/REDIS_CLUSTER_NODES must be comma-separated redis:\/\/ URLs/);
    expect(() => parseConfig(withoutUrl)).toThrow(
      /REDIS_URL is required.*REDIS_CLUSTER_NODES/,
    );
  });

  it("refuses APP_BASE_URL and REDIS_URL values that are not URLs", () => {
    const problems = problemsOf({
      ...valid,
      APP_BASE_URL: "localhost:3000",
      REDIS_URL: "127.0.0.1:6379",
    });
    expect(problems.APP_BASE_URL).toMatch(/absolute http\(s\) URL/);
    expect(problems.REDIS_URL).toMatch(/redis:\/\/ or rediss:\/\/ URL/);
  });

  it("names a missing AUTH0_DOMAIN", () => {
    const { AUTH0_DOMAIN: _omitted, ...rest } = valid;
    expect(problemsOf(rest).AUTH0_DOMAIN).toMatch(/is required/);
  });

  it.each(["0", "-5", "1.5", "ten", "3e3"])(
    "refuses session durations that are not positive whole numbers (%s)",
    (value) => {
      const problems = problemsOf({
        ...valid,
        AUTH0_SESSION_ABSOLUTE_DURATION: value,
        AUTH0_SESSION_INACTIVITY_DURATION: value,
      });
      expect(problems.AUTH0_SESSION_ABSOLUTE_DURATION).toMatch(
        /positive whole number of seconds/,
      );
      expect(problems.AUTH0_SESSION_INACTIVITY_DURATION).toMatch(
        /positive whole number of seconds/,
      );
    },
  );

  it("lists every bad variable at once, each on its own line", () => {
    let message = "";
    try {
      parseConfig({ AUTH0_SECRET: "short" });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const variable of [
      "AUTH0_DOMAIN",
      "AUTH0_CLIENT_ID",
      "AUTH0_CLIENT_SECRET",
      "AUTH0_SECRET",
      "APP_BASE_URL",
      "REDIS_URL",
    ]) {
      expect(message).toMatch(new RegExp(`^  - ${variable} `, "m"));
    }
  });

  it("reads the session lifetimes, rolling flag, audience and scope", () => {
    const config = parseConfig({
      ...valid,
      AUTH0_SESSION_ROLLING: "false",
      AUTH0_SESSION_ABSOLUTE_DURATION: "3600",
      AUTH0_SESSION_INACTIVITY_DURATION: "600",
      AUTH0_AUDIENCE: "urn:invoices-api",
      AUTH0_SCOPE: "openid email",
    });
    expect(config.session).toEqual({
      rolling: false,
      absoluteDuration: 3600,
      inactivityDuration: 600,
    });
    expect(config.auth0.audience).toBe("urn:invoices-api");
    expect(config.auth0.scope).toBe("openid email");
  });

  it("refuses a scope without openid and a rolling flag that is not a boolean", () => {
    const problems = problemsOf({
      ...valid,
      AUTH0_SCOPE: "profile email",
      AUTH0_SESSION_ROLLING: "yes",
    });
    expect(problems.AUTH0_SCOPE).toMatch(/openid/);
    expect(problems.AUTH0_SESSION_ROLLING).toMatch(/"true" or "false"/);
  });

  it("turns on allowInsecureRequests for an http:// domain only", () => {
    expect(
      parseConfig({ ...valid, AUTH0_DOMAIN: "http://localhost:4000" }).auth0
        .allowInsecureRequests,
    ).toBe(true);
    expect(
      parseConfig({ ...valid, AUTH0_DOMAIN: "https://my-tenant.eu.auth0.com" }).auth0
        .allowInsecureRequests,
    ).toBe(false);
    expect(
      parseConfig({ ...valid, AUTH0_DOMAIN: "my-tenant.eu.auth0.com" }).auth0
        .allowInsecureRequests,
    ).toBe(false);
  });

  it("refuses at start-up the hosts the SDK would refuse on the first request", () => {
    const refused: Array<[string, RegExp]> = [
      ["http://127.0.0.1:4000", /not an IP address/],
      ["10.0.0.7", /not an IP address/],
      ["http://[::1]:4000", /not an IP address/],
      ["https://tenant.local", /\.local/],
      ["https://localhost:4000", /localhost only for a local provider over http/],
      ["localhost", /localhost only for a local provider over http/],
      ["https://localhost.corp.example", /localhost only for a local provider over http/],
      ["tenant.auth0.com:443", /port without a scheme/],
      ["https://tenant.auth0.com:8443", /port with https/],
    ];
    for (const [domain, message] of refused) {
      expect([
        domain,
        problemsOf({ ...valid, AUTH0_DOMAIN: domain }).AUTH0_DOMAIN,
      ]).toEqual([domain, expect.stringMatching(message)]);
    }
    for (const domain of [
      "http://localhost:4000",
      "http://idp.localhost:4000",
      "https://login.example.com",
      "my-tenant.eu.auth0.com",
    ]) {
      expect(parseConfig({ ...valid, AUTH0_DOMAIN: domain }).auth0.domain).toBe(domain);
    }
  });

  it("refuses a domain with a path, query or spaces", () => {
    expect(
      problemsOf({ ...valid, AUTH0_DOMAIN: "https://tenant.auth0.com/some/path" })
        .AUTH0_DOMAIN,
    ).toMatch(/origin URL/);
    expect(
      problemsOf({ ...valid, AUTH0_DOMAIN: "tenant auth0.com" }).AUTH0_DOMAIN,
    ).toMatch(/domain such as/);
  });
});

describe("the Management API application (AUTH0_MGMT_CLIENT_ID, AUTH0_MGMT_CLIENT_SECRET)", () => {
  it("is absent when neither variable is set", () => {
    expect(parseConfig(valid).auth0.management).toBeUndefined();
    expect(
      parseConfig({ ...valid, AUTH0_MGMT_CLIENT_ID: " ", AUTH0_MGMT_CLIENT_SECRET: "" })
        .auth0.management,
    ).toBeUndefined();
  });

  it("is read when both are set", () => {
    const config = parseConfig({
      ...valid,
      AUTH0_MGMT_CLIENT_ID: "mgmt-client",
      AUTH0_MGMT_CLIENT_SECRET: "mgmt-secret",
    });
    expect(config.auth0.management).toEqual({
      clientId: "mgmt-client",
      clientSecret: "mgmt-secret",
    });
  });

  it("refuses one without the other and names the missing variable", () => {
    expect(problemsOf({ ...valid, AUTH0_MGMT_CLIENT_ID: "mgmt-client" })).toEqual({
      AUTH0_MGMT_CLIENT_SECRET: expect.stringMatching(
        /is required when AUTH0_MGMT_CLIENT_ID is set/,
      ) as unknown,
    });
    expect(problemsOf({ ...valid, AUTH0_MGMT_CLIENT_SECRET: "mgmt-secret" })).toEqual({
      AUTH0_MGMT_CLIENT_ID: expect.stringMatching(
        /is required when AUTH0_MGMT_CLIENT_SECRET is set/,
      ) as unknown,
    });
  });
});

describe("the sessions policy and client address (AUTH0_REAUTH_MAX_AGE, AUTH0_ROLES_CLAIM, AUTH0_MAX_SESSIONS_PER_USER, TRUST_PROXY)", () => {
  it("defaults to a 10-minute re-authentication, the example roles claim, no limit and no proxy", () => {
    const config = parseConfig(valid);
    expect(config.sessions).toEqual({
      reauthMaxAge: 600,
      rolesClaim: "https://example.com/roles",
      maxSessionsPerUser: undefined,
    });
    expect(config.trustProxy).toBe(0);
    expect(
      parseConfig({
        ...valid,
        AUTH0_REAUTH_MAX_AGE: "",
        AUTH0_ROLES_CLAIM: " ",
        AUTH0_MAX_SESSIONS_PER_USER: "",
        TRUST_PROXY: "",
      }),
    ).toMatchObject({
      sessions: {
        reauthMaxAge: 600,
        rolesClaim: "https://example.com/roles",
        maxSessionsPerUser: undefined,
      },
      trustProxy: 0,
    });
  });

  it("reads good values", () => {
    const config = parseConfig({
      ...valid,
      AUTH0_REAUTH_MAX_AGE: " 300 ",
      AUTH0_ROLES_CLAIM: "https://my-app.example.org/roles",
      AUTH0_MAX_SESSIONS_PER_USER: "5",
      TRUST_PROXY: "2",
    });
    expect(config.sessions).toEqual({
      reauthMaxAge: 300,
      rolesClaim: "https://my-app.example.org/roles",
      maxSessionsPerUser: 5,
    });
    expect(config.trustProxy).toBe(2);
    expect(
      parseConfig({ ...valid, AUTH0_MAX_SESSIONS_PER_USER: "1", TRUST_PROXY: "0" }),
    ).toMatchObject({ sessions: { maxSessionsPerUser: 1 }, trustProxy: 0 });
  });

  it.each(["0", "-5", "1.5", "ten", "3e3"])(
    "refuses an AUTH0_REAUTH_MAX_AGE that is not a positive whole number (%s)",
    (value) => {
      expect(problemsOf({ ...valid, AUTH0_REAUTH_MAX_AGE: value })).toEqual({
        AUTH0_REAUTH_MAX_AGE: expect.stringMatching(
          /positive whole number of seconds/,
        ) as unknown,
      });
    },
  );

  it.each(["roles", "example.com/roles", "/roles"])(
    "refuses an AUTH0_ROLES_CLAIM that is not a URL (%s)",
    (value) => {
      expect(problemsOf({ ...valid, AUTH0_ROLES_CLAIM: value })).toEqual({
        AUTH0_ROLES_CLAIM: expect.stringMatching(/namespaced claim name/) as unknown,
      });
    },
  );

  it.each(["0", "-1", "2.5", "many", "1e2"])(
    "refuses an AUTH0_MAX_SESSIONS_PER_USER that is not a whole number of at least 1 (%s)",
    (value) => {
      expect(problemsOf({ ...valid, AUTH0_MAX_SESSIONS_PER_USER: value })).toEqual({
        AUTH0_MAX_SESSIONS_PER_USER: expect.stringMatching(
          /whole number of at least 1/,
        ) as unknown,
      });
    },
  );

  it.each(["-1", "1.5", "yes", "true", "0x1"])(
    "refuses a TRUST_PROXY that is not a whole number of at least 0 (%s)",
    (value) => {
      expect(problemsOf({ ...valid, TRUST_PROXY: value })).toEqual({
        TRUST_PROXY: expect.stringMatching(/whole number of at least 0/) as unknown,
      });
    },
  );

  it("names each bad variable in the error message", () => {
    expect(() =>
      parseConfig({
        ...valid,
        AUTH0_REAUTH_MAX_AGE: "0",
        AUTH0_ROLES_CLAIM: "roles",
        AUTH0_MAX_SESSIONS_PER_USER: "0",
        TRUST_PROXY: "-1",
      }),
    ).toThrow(ConfigError);
    let message = "";
    try {
      parseConfig({
        ...valid,
        AUTH0_REAUTH_MAX_AGE: "0",
        AUTH0_ROLES_CLAIM: "roles",
        AUTH0_MAX_SESSIONS_PER_USER: "0",
        TRUST_PROXY: "-1",
      });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const variable of [
      "AUTH0_REAUTH_MAX_AGE",
      "AUTH0_ROLES_CLAIM",
      "AUTH0_MAX_SESSIONS_PER_USER",
      "TRUST_PROXY",
    ]) {
      expect(message).toMatch(new RegExp(`^  - ${variable} `, "m"));
    }
  });
});
