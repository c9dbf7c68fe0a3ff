import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import { errors, type InteractionDescription } from "oidc-provider";
import { checkCredentials, TEST_USERS } from "./accounts.js";
import { HttpError, readForm, sendHtml } from "./http.js";
import { errorPage, loginPage } from "./views.js";

const INTERACTION_PATH = /^\/interaction\/([\w-]+)(\/login)?$/;

/**
 * Everything the app asked for, granted without a consent page: the app is first-party,
 * for which Auth0 skips consent too.
 */
async function grantRequested(
  provider: Provider,
  interaction: InteractionDescription,
): Promise<string> {
  const { details } = interaction.prompt;
  const accountId = interaction.session?.accountId;
  const clientId = interaction.params.client_id;
  if (!accountId || typeof clientId !== "string")
    throw new HttpError(400, "interaction without a logged-in user");

  const existing = interaction.grantId
    ? await provider.Grant.find(interaction.grantId)
    : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(" "));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(" "));
  }
  return grant.save();
}

async function clientName(
  provider: Provider,
  interaction: InteractionDescription,
): Promise<string | undefined> {
  const clientId = interaction.params.client_id;
  if (typeof clientId !== "string") return undefined;
  const client = await provider.Client.find(clientId);
  return client?.clientName ?? clientId;
}

async function showInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
) {
  const interaction = await provider.interactionDetails(req, res);
  if (interaction.uid !== uid) throw new errors.SessionNotFound("interaction mismatch");

  switch (interaction.prompt.name) {
    case "login":
      sendHtml(
        res,
        200,
        loginPage({
          action: `/interaction/${uid}/login`,
          users: TEST_USERS,
          clientName: await clientName(provider, interaction),
        }),
      );
      return;
    case "consent": {
      const grantId = await grantRequested(provider, interaction);
      await provider.interactionFinished(req, res, { consent: { grantId } });
      return;
    }
    default:
      throw new HttpError(
        400,
        `unsupported interaction prompt ${interaction.prompt.name}`,
      );
  }
}

async function submitLogin(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
) {
  const interaction = await provider.interactionDetails(req, res);
  if (interaction.uid !== uid || interaction.prompt.name !== "login") {
    throw new errors.SessionNotFound("interaction mismatch");
  }
  const form = await readForm(req);
  const username = form.get("username") ?? "";
  const user = checkCredentials(username, form.get("password") ?? "");
  if (!user) {
    console.log(`[idp] failed login for ${JSON.stringify(username.slice(0, 64))}`);
    sendHtml(
      res,
      401,
      loginPage({
        action: `/interaction/${uid}/login`,
        users: TEST_USERS,
        clientName: await clientName(provider, interaction),
        username,
        error: "Wrong username or password.",
      }),
    );
    return;
  }
  console.log(`[idp] ${user.sub} logged in`);
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.sub } },
    { mergeWithLastSubmission: false },
  );
}

/** Serves the login page and the automatic consent; returns false for other paths. */
export function createInteractionRoutes(provider: Provider) {
  return async function interactionRoutes(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<boolean> {
    const match = INTERACTION_PATH.exec(url.pathname);
    if (!match?.[1]) return false;
    const [, uid, login] = match;
    try {
      if (!login && (req.method === "GET" || req.method === "HEAD"))
        await showInteraction(provider, req, res, uid);
      else if (login && req.method === "POST") await submitLogin(provider, req, res, uid);
      else throw new HttpError(405, "method not allowed");
    } catch (error) {
      if (error instanceof errors.SessionNotFound) {
        // Expired, already finished, or opened in a browser without the interaction cookie.
        sendHtml(
          res,
          400,
          errorPage({
            error: "This login request is no longer valid. Start again from the app.",
          }),
        );
      } else if (error instanceof HttpError) {
        sendHtml(res, error.status, errorPage({ error: error.message }));
      } else {
        throw error;
      }
    }
    return true;
  };
}
