/** How much of a request body may be read, and how slowly. */
export interface BodyLimits {
  /** The most bytes read; one more and reading stops. */
  maxBytes: number;
  /** How long a read may wait for the next bytes (milliseconds). */
  idleTimeoutMs: number;
  /** How long the whole body may take (milliseconds), however steadily it trickles. */
  totalTimeoutMs: number;
}

/** Why a body was not read whole; stable codes a caller branches on. */
export type BodyReadFailure =
  "body_too_large" | "body_idle_timeout" | "body_total_timeout" | "body_unreadable";

export type BodyRead =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; code: BodyReadFailure; bytesRead: number };

/**
 * Reads a request body as it arrives, counting bytes, and stops (cancelling the stream,
 * so the rest is never pulled) at the first of: one byte more than `maxBytes`, no byte
 * for `idleTimeoutMs`, or `totalTimeoutMs` since the start. Neither `Content-Length`
 * nor chunking changes that: `Request.text()` would read any body whole, however large
 * or slow. A missing body reads as empty.
 */
export async function readBoundedBody(
  body: ReadableStream<Uint8Array> | null,
  limits: BodyLimits,
): Promise<BodyRead> {
  if (body === null) return { ok: true, bytes: new Uint8Array(0) };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let bytesRead = 0;
  const deadline = Date.now() + limits.totalTimeoutMs;
  const fail = (code: BodyReadFailure): BodyRead => {
    // Not awaited: a stalled source may never settle its cancel.
    reader.cancel().catch(() => {});
    return { ok: false, code, bytesRead };
  };
  for (;;) {
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) return fail("body_total_timeout");
    const idle = remainingMs > limits.idleTimeoutMs;
    let result: ReadableStreamReadResult<Uint8Array> | "timeout";
    try {
      result = await withTimeout(
        reader.read(),
        idle ? limits.idleTimeoutMs : remainingMs,
      );
    } catch {
      // The client went away mid-body, or the stream broke.
      return fail("body_unreadable");
    }
    if (result === "timeout")
      return fail(idle ? "body_idle_timeout" : "body_total_timeout");
    if (result.done) break;
    bytesRead += result.value.byteLength;
    if (bytesRead > limits.maxBytes) return fail("body_too_large");
    chunks.push(result.value);
  }
  const bytes = new Uint8Array(bytesRead);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { ok: true, bytes };
}

/** `promise`, or "timeout" after `ms`; the timer never outlives the race. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
