/** The state of one dependency, as `/api/ready` reports it. */
export type CheckState = "up" | "down";

export interface Readiness {
  ready: boolean;
  checks: { redis: CheckState; provider: CheckState };
}

const checkTimeoutMs = 2_000;

/**
 * Whether this instance can serve logins: Redis answers PING and the provider's
 * discovery document loads. Both checks run at once, each bounded in time.
 */
export async function checkReadiness(deps: {
  pingRedis: () => Promise<unknown>;
  discoveryUrl: string;
}): Promise<Readiness> {
  const [redis, provider] = await Promise.all([
    settle(withTimeout(deps.pingRedis(), checkTimeoutMs)),
    settle(
      fetch(deps.discoveryUrl, { signal: AbortSignal.timeout(checkTimeoutMs) }).then(
        (response) => {
          if (!response.ok) throw new Error(`discovery answered ${response.status}`);
        },
      ),
    ),
  ]);
  return { ready: redis === "up" && provider === "up", checks: { redis, provider } };
}

async function settle(promise: Promise<unknown>): Promise<CheckState> {
  try {
    await promise;
    return "up";
  } catch {
    return "down";
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
