/**
 * How long one Redis command may take before the request that waits on it is answered
 * 503. ioredis' own `commandTimeout` is this too, but with auto-pipelining a command
 * may first wait for the pipeline ahead of it on the same node, so the store also holds
 * every call to this deadline itself (session/store-context.ts).
 */
export const redisCommandTimeoutMs = 2_000;
