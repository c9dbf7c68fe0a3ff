import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt } from "jose";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../../dev/harness/free-port";
import { HttpAgent, submitProviderLogin } from "../../dev/harness/http-agent";
import { baseEnv } from "../../dev/harness/processes";
import { startProcess, waitForHttp, type RunningProcess } from "./processes";

/** The local provider's default app client (dev/idp's IDP_CLIENT_ID / _SECRET). */
export const localAppClient = {
  id: "local-app-client",
  secret: "local-app-client-secret-change-me-0123456789",
} as const;

/** Its default Management API client (IDP_MGMT_CLIENT_ID / _SECRET). */
export const localManagementClient = {
  id: "local-mgmt-client",
  secret: "local-mgmt-client-secret-change-me-0123456789",
} as const;

/** A stand-in for the app on 127.0.0.1: its back-channel logout endpoint records tokens. */
export interface FakeRelyingParty {
  url: string;
  logoutTokens: string[];
  close(): Promise<void>;
}

/** A server on a free loopback port; its URL. */
export function listenOnLoopback(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

/** Closes `server`, keep-alive connections included. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startFakeRelyingParty(): Promise<FakeRelyingParty> {
  const logoutTokens: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/auth/backchannel-logout") {
        const token = new URLSearchParams(Buffer.concat(chunks).toString()).get(
          "logout_token",
        );
        if (token) logoutTokens.push(token);
        res.writeHead(200).end();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  return {
    url: await listenOnLoopback(server),
    logoutTokens,
    close: () => closeServer(server),
  };
}

/** `POST /oauth/token` at the provider with a form body. */
export function providerTokenRequest(
  idpUrl: string,
  params: Record<string, string>,
): Promise<Response> {
  return fetch(`${idpUrl}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
}

/** The app's authorization request, as the SDK makes it, and how to see its answer. */
export function authorizationRequest(
  idpUrl: string,
  appUrl: string,
): { url: string; isCallback: (url: URL) => boolean } {
  const url = new URL("/authorize", idpUrl);
  url.search = new URLSearchParams({
    client_id: localAppClient.id,
    response_type: "code",
    redirect_uri: `${appUrl}/auth/callback`,
    scope: "openid profile email offline_access",
    state: "test-state",
  }).toString();
  return {
    url: url.toString(),
    isCallback: (next) => next.origin === appUrl && next.pathname === "/auth/callback",
  };
}

/** What an authorization code login over HTTP gives the app. */
export interface CodeLogin {
  agent: HttpAgent;
  idToken: string;
  refreshToken: string;
  sid: string;
}

/** The authorization code flow over HTTP, as the app's SDK drives it, in a new "browser". */
export async function logInWithCode(
  idpUrl: string,
  appUrl: string,
  user: { username: string; password: string },
): Promise<CodeLogin> {
  const agent = new HttpAgent();
  const { url, isCallback } = authorizationRequest(idpUrl, appUrl);
  const toLogin = await agent.follow(url, isCallback);
  if (toLogin.next) throw new Error("a new browser was signed in without a login");
  await toLogin.response.arrayBuffer();
  const loginPage = toLogin.hops[toLogin.hops.length - 1]!;
  const submitted = await submitProviderLogin(agent, loginPage, user);
  const location = submitted.headers.get("location");
  if (!location) throw new Error(`the login form answered ${submitted.status}`);
  const toCallback = await agent.follow(
    new URL(location, loginPage).toString(),
    isCallback,
  );
  const code = toCallback.next?.searchParams.get("code");
  if (!code) throw new Error(`no code: ${toCallback.hops.join(" → ")}`);
  const response = await providerTokenRequest(idpUrl, {
    grant_type: "authorization_code",
    code,
    redirect_uri: `${appUrl}/auth/callback`,
    client_id: localAppClient.id,
    client_secret: localAppClient.secret,
  });
  if (response.status !== 200)
    throw new Error(`the code exchange answered ${response.status}`);
  const tokens = (await response.json()) as { id_token: string; refresh_token: string };
  const sid = decodeJwt(tokens.id_token).sid;
  if (typeof sid !== "string") throw new Error("the ID token has no sid");
  return { agent, idToken: tokens.id_token, refreshToken: tokens.refresh_token, sid };
}

/** The local provider (dev/idp) as a process on a free loopback port. */
export interface LocalProvider {
  url: string;
  process: RunningProcess;
}

/**
 * Starts dev/idp for the app at `appUrl`, with its signing key in `keyFile` (written
 * beforehand by a test that signs its own tokens, else created by the provider).
 */
export async function startLocalProvider(
  name: string,
  appUrl: string,
  keyFile = path.join(mkdtempSync(path.join(tmpdir(), "idp-key-")), "key.json"),
): Promise<LocalProvider> {
  const port = await freePort();
  // A host name, as AUTH0_DOMAIN must be (the SDK refuses IP addresses); it listens
  // on 127.0.0.1, which localhost reaches.
  const url = `http://localhost:${port}`;
  const running = startProcess(
    name,
    process.execPath,
    [require.resolve("tsx/cli"), "dev/idp/server.ts"],
    {
      ...baseEnv(),
      IDP_PORT: String(port),
      IDP_HOST: "127.0.0.1",
      IDP_ISSUER: url,
      IDP_APP_URLS: appUrl,
      IDP_KEY_FILE: keyFile,
    },
  );
  await waitForHttp(`${url}/healthz`, running);
  return { url, process: running };
}
