/**
 * How long one Redis command may take before the request that waits on it is answered
 * 503. ioredis' own `commandTimeout` is this too; the store also holds every call to
 * this deadline itself (session/store-context.ts), whatever the call waits on inside the
 * client (a cluster's redirection and slot map reload included).
 */
export const redisCommandTimeoutMs = 2_000;
