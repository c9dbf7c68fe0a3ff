/*
 * oidc-provider 9 ships no type declarations and @types/oidc-provider trails it (9.12 at
 * the time of writing) and pulls in Koa's types. These declare only what idp/ uses.
 */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export interface AdapterPayload {
    [key: string]: unknown;
    accountId?: string;
    consumed?: number;
    grantId?: string;
    uid?: string;
    userCode?: string;
  }

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    client_name?: string;
    redirect_uris: string[];
    post_logout_redirect_uris?: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
    id_token_signed_response_alg?: string;
    backchannel_logout_uri?: string;
    backchannel_logout_session_required?: boolean;
    require_auth_time?: boolean;
  }

  export interface Client {
    readonly clientId: string;
    readonly clientName?: string;
    readonly backchannelLogoutUri?: string;
  }

  export interface KoaContextWithOIDC {
    oidc: {
      /** Recognised parameters of the request; absent before they are assembled. */
      params?: Record<string, unknown>;
      /** The parsed request body, where the endpoint reads one. */
      body?: Record<string, unknown>;
      client?: Client;
    };
    type: string;
    body: unknown;
    status: number;
  }

  export interface Account {
    accountId: string;
    claims(
      use: string,
      scope: string,
      claims: unknown,
      rejected: string[],
    ): Promise<Record<string, unknown>>;
  }

  export interface ResourceServerInfo {
    scope: string;
    audience?: string;
    accessTokenTTL?: number;
    accessTokenFormat?: "opaque" | "jwt";
    jwt?: { sign?: { alg?: string; kid?: string } };
  }

  /** An authorization code or refresh token, as seen by resource indicator hooks. */
  export interface GrantSource {
    resource?: string | string[];
    scope?: string;
  }

  export interface InteractionDescription {
    uid: string;
    prompt: {
      name: string;
      reasons: string[];
      details: {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
        [key: string]: unknown;
      };
    };
    params: Record<string, unknown>;
    session?: { accountId: string; uid: string };
    grantId?: string;
  }

  export interface InteractionResults {
    login?: { accountId: string; remember?: boolean };
    consent?: { grantId?: string };
    [key: string]: unknown;
  }

  export type FindAccount = (
    ctx: KoaContextWithOIDC,
    sub: string,
  ) => Promise<Account | undefined>;

  export interface Configuration {
    adapter?: new (model: string) => Adapter;
    clients?: ClientMetadata[];
    clientAuthMethods?: string[];
    jwks?: { keys: object[] };
    cookies?: { keys?: string[] };
    routes?: Record<string, string>;
    scopes?: string[];
    claims?: Record<string, string[] | null>;
    conformIdTokenClaims?: boolean;
    extraParams?: string[];
    findAccount?: FindAccount;
    interactions?: {
      url?: (ctx: KoaContextWithOIDC, interaction: { uid: string }) => Promise<string>;
    };
    rotateRefreshToken?: boolean;
    ttl?: Record<string, number>;
    features?: {
      devInteractions?: { enabled: boolean };
      pushedAuthorizationRequests?: { enabled: boolean };
      introspection?: { enabled: boolean };
      revocation?: {
        enabled: boolean;
        allowedPolicy?: (
          ctx: KoaContextWithOIDC,
          client: Client,
          token: { clientId?: string },
        ) => Promise<boolean>;
      };
      userinfo?: { enabled: boolean };
      clientCredentials?: { enabled: boolean };
      backchannelLogout?: { enabled: boolean };
      rpInitiatedLogout?: {
        enabled: boolean;
        logoutSource?: (ctx: KoaContextWithOIDC, form: string) => Promise<void>;
        postLogoutSuccessSource?: (ctx: KoaContextWithOIDC) => Promise<void>;
      };
      resourceIndicators?: {
        enabled: boolean;
        defaultResource?: (
          ctx: KoaContextWithOIDC,
          client: Client,
          oneOf?: string[],
        ) => Promise<string | string[] | undefined>;
        useGrantedResource?: (
          ctx: KoaContextWithOIDC,
          model: GrantSource,
        ) => Promise<boolean>;
        getResourceServerInfo?: (
          ctx: KoaContextWithOIDC,
          resourceIndicator: string,
          client: Client,
        ) => Promise<ResourceServerInfo>;
      };
    };
    clientBasedCORS?: (
      ctx: KoaContextWithOIDC,
      origin: string,
      client: Client,
    ) => boolean;
    /** Receives an undici `dispatcher` in `options` that refuses special-use addresses. */
    fetch?: (
      url: string,
      options: RequestInit & { dispatcher?: unknown },
    ) => Promise<Response>;
    renderError?: (
      ctx: KoaContextWithOIDC,
      out: Record<string, unknown>,
      error: Error,
    ) => Promise<void>;
  }

  export class Grant {
    constructor(properties: { accountId: string; clientId: string });
    static find(id: string): Promise<Grant | undefined>;
    accountId?: string;
    clientId?: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(ttl?: number): Promise<string>;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    /** Koa's: whether X-Forwarded-* headers are trusted. */
    proxy: boolean;
    readonly Grant: typeof Grant;
    readonly Client: { find(id: string): Promise<Client | undefined> };
    /** A Node.js request listener (the provider is a Koa application). */
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    interactionDetails(
      req: IncomingMessage,
      res: ServerResponse,
    ): Promise<InteractionDescription>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(
      event: "server_error",
      listener: (ctx: KoaContextWithOIDC, error: Error) => void,
    ): this;
    on(
      event: "grant.success" | "end_session.success",
      listener: (ctx: KoaContextWithOIDC) => void,
    ): this;
  }

  export default Provider;

  export namespace errors {
    class OIDCProviderError extends Error {
      error: string;
      error_description?: string;
      status: number;
    }
    class InvalidTarget extends OIDCProviderError {
      constructor(description?: string);
    }
    class SessionNotFound extends OIDCProviderError {}
  }
}
