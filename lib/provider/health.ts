const checkTimeoutMs = 2_000;
/** How long an answer is trusted: a login costs at most one discovery fetch per window. */
const upForMs = 5_000;
const downForMs = 2_000;

/**
 * Whether the provider answers its discovery document, remembered briefly. The SDK
 * caches the provider's metadata, so without this check a login while the provider is
 * down would send the browser to a dead page instead of a "try again" page here.
 */
export function providerHealth(discoveryUrl: string): () => Promise<boolean> {
  let known: { up: boolean; until: number } | undefined;
  let inFlight: Promise<boolean> | undefined;
  const probe = async (): Promise<boolean> => {
    try {
      const response = await fetch(discoveryUrl, {
        signal: AbortSignal.timeout(checkTimeoutMs),
      });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  };
  return async () => {
    if (known && Date.now() < known.until) return known.up;
    inFlight ??= probe().then((up) => {
      known = { up, until: Date.now() + (up ? upForMs : downForMs) };
      inFlight = undefined;
      return up;
    });
    return inFlight;
  };
}
