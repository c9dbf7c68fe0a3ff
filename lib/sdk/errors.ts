/**
 * The SDK's error classes the app tells apart, by the `name` each sets (v4,
 * `@auth0/nextjs-auth0/errors`): `AccessTokenError` (its `code` an
 * `AccessTokenErrorCode`) and `OAuth2Error` (its `code` the provider's OAuth error, such
 * as `invalid_grant`, which the SDK puts as the `cause` of a failed refresh's
 * `AccessTokenError`). Matched by name, not `instanceof`: each Next bundle has its own
 * copy of the SDK, and the one client is created by whichever bundle comes first, so the
 * class that threw is often another bundle's. The SDK documents `name` and `code` as its
 * errors' stable contract.
 */
export const sdkErrorNames = ["AccessTokenError", "OAuth2Error"] as const;

/** The name of an SDK error class the app tells apart. */
export type SdkErrorName = (typeof sdkErrorNames)[number];

/** An SDK error: its class's `name`, and the `code` every SDK error carries. */
export type SdkError = Error & { code: string };

/** How deep in a `cause` chain an SDK error is looked for. */
const maxCauseDepth = 5;

/**
 * The SDK error named `name`, in `error` or its causes (the SDK wraps the provider's
 * answer, and callers may wrap the SDK's error in turn); undefined when there is none.
 */
export function findSdkError(error: unknown, name: SdkErrorName): SdkError | undefined {
  for (let current = error, depth = 0; current && depth < maxCauseDepth; depth++) {
    if (isSdkError(current, name)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Whether `error` itself is the SDK error named `name` (its causes are not looked at). */
export function isSdkError(error: unknown, name: SdkErrorName): error is SdkError {
  return (
    error instanceof Error &&
    error.name === name &&
    typeof (error as { code?: unknown }).code === "string"
  );
}
