import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { decodeJwt } from "jose";
import { HttpAgent, signInAtProvider } from "../../dev/harness/http-agent";
import {
  localProviderClients,
  startLocalProvider as startHarnessProvider,
} from "../../dev/harness/local-stack";
import { projectRoot, type RunningProcess } from "./processes";

/** The local provider's default app client (dev/idp's IDP_CLIENT_ID / _SECRET). */
export const localAppClient = localProviderClients.app;

/** Its default Management API client (IDP_MGMT_CLIENT_ID / _SECRET). */
export const localManagementClient = localProviderClients.management;

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
  const { callback, formShown } = await signInAtProvider(agent, url, user, isCallback);
  if (!formShown) throw new Error("a new browser was signed in without a login");
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`no code: ${callback.toString()}`);
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
export function startLocalProvider(
  name: string,
  appUrl: string,
  keyFile?: string,
): Promise<LocalProvider> {
  return startHarnessProvider({
    name,
    appUrls: [appUrl],
    keyFile,
    logDir: path.join(projectRoot, ".test-artifacts"),
  });
}
