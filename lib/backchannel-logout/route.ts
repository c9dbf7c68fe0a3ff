import { provider } from "../provider";
import { sessionStore } from "../session";
import { backchannelLogoutDeps, handleBackchannelLogout } from "./handler";
import { getConfig } from "../config";
import { log } from "../log";
import { processSingleton } from "../process-singleton";

const deps = processSingleton("backchannelLogoutDeps", () =>
  backchannelLogoutDeps({
    store: sessionStore,
    provider,
    clientId: getConfig().auth0.clientId,
    log,
  }),
);

/** The SDK's back-channel logout route, which this app answers itself. */
export const backchannelLogoutPath = "/auth/backchannel-logout";

/** Whether `request` is a back-channel logout this app answers instead of the SDK. */
export function isBackchannelLogout(request: Request, pathname: string): boolean {
  return request.method === "POST" && pathname === backchannelLogoutPath;
}

export function backchannelLogout(request: Request): Promise<Response> {
  return handleBackchannelLogout(request, deps);
}
