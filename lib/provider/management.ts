import { ManagementClient, ManagementError, ManagementTimeoutError } from "auth0";
import { getConfig } from "../config";
import { findCause, ProviderManagementUnavailableError } from "../errors";
import { processSingleton } from "../process-singleton";
import { managementFetch } from "../sdk/management";
import { issuerForDomain } from "./issuer";

/**
 * A Management API call gives up after this long: a user is waiting. Longer than the 5 s
 * the local provider may spend on each back-channel logout before it answers a revoke.
 */
const requestTimeoutSeconds = 10;

/** What the app needs of the provider's Management API. */
export interface ProviderManagement {
  /**
   * Ends the provider session whose ID tokens carry `sid`: single sign-on can no longer sign
   * that browser back in, its refresh tokens are revoked, and the provider sends each app of
   * the session a back-channel logout token. `"not_found"`: the provider has no such session
   * (it ended or expired already).
   * @throws {ProviderManagementUnavailableError} when the provider cannot be reached, times
   *   out, or answers 5xx or 429.
   */
  endProviderSession(sid: string): Promise<"ended" | "not_found">;
}

/** Where the Management API of the provider at `domain` lives (an `AUTH0_DOMAIN` value). */
function managementTarget(domain: string): {
  /** The bare host (and port) the client builds `https://<host>/api/v2` and its token URL from. */
  host: string;
  audience: string;
  /** Set for an `http://` provider, whose URLs the client would otherwise write as https. */
  httpOrigin: string | undefined;
} {
  const issuer = issuerForDomain(domain);
  const url = new URL(issuer);
  return {
    host: url.host,
    audience: `${issuer}api/v2/`,
    httpOrigin: url.protocol === "http:" ? url.origin : undefined,
  };
}

function isUnavailable(error: unknown): boolean {
  if (findCause(error, ProviderManagementUnavailableError)) return true;
  if (error instanceof ManagementTimeoutError) return true;
  if (!(error instanceof ManagementError)) return false;
  const status = error.statusCode;
  // No status: the request never got an answer. 408: the SDK's token request timed out.
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/**
 * A client of the provider's Management API (`auth0`'s ManagementClient, with client
 * credentials), for the provider at `domain`: a bare domain is an Auth0 tenant (use its
 * canonical domain; the Management API is not served on custom domains), an `http://`
 * origin is the local provider.
 */
export function createProviderManagement(options: {
  domain: string;
  clientId: string;
  clientSecret: string;
}): ProviderManagement {
  const target = managementTarget(options.domain);
  const client = new ManagementClient({
    domain: target.host,
    audience: target.audience,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    // Its URLs on the provider's own scheme, a network failure made ours (lib/sdk).
    fetch: managementFetch(
      target.httpOrigin,
      (error) => new ProviderManagementUnavailableError(error),
    ),
    timeoutInSeconds: requestTimeoutSeconds,
    // A retried revoke after a lost 5xx answer could meet a 404 and say "not_found" for a
    // session it ended; the caller decides whether to try again.
    maxRetries: 0,
  });

  return {
    async endProviderSession(sid) {
      // An empty id would address the collection, not a session.
      if (sid === "") return "not_found";
      try {
        // Revoke, not delete: it also revokes the session's refresh tokens, and it answers
        // 404 for an unknown session (Auth0 answers 202 and completes it asynchronously).
        await client.sessions.revoke(sid);
        return "ended";
      } catch (error) {
        if (error instanceof ManagementError && error.statusCode === 404)
          return "not_found";
        if (isUnavailable(error)) {
          throw (
            findCause(error, ProviderManagementUnavailableError) ??
            new ProviderManagementUnavailableError(error)
          );
        }
        throw error;
      }
    },
  };
}

/** Whether `AUTH0_MGMT_CLIENT_ID` and `AUTH0_MGMT_CLIENT_SECRET` are set. */
export function isProviderManagementConfigured(): boolean {
  return getConfig().auth0.management !== undefined;
}

const providerManagement = (): ProviderManagement =>
  processSingleton("providerManagement", () => {
    const { domain, management } = getConfig().auth0;
    if (!management) {
      throw new Error(
        "provider management: set AUTH0_MGMT_CLIENT_ID and AUTH0_MGMT_CLIENT_SECRET (see .env.example) or check isProviderManagementConfigured() first",
      );
    }
    return createProviderManagement({ domain, ...management });
  });

/**
 * Ends the provider session `sid` through the Management API configured by
 * `AUTH0_MGMT_CLIENT_ID`, `AUTH0_MGMT_CLIENT_SECRET` and `AUTH0_DOMAIN`; see
 * {@link ProviderManagement.endProviderSession}.
 * @throws {ProviderManagementUnavailableError} when the provider cannot be reached or answers 5xx.
 * @throws {Error} when the two variables are not set.
 */
export function endProviderSession(sid: string): Promise<"ended" | "not_found"> {
  return providerManagement().endProviderSession(sid);
}
