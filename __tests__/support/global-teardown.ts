import type { ProvidedRedis } from "../../dev/harness/redis-provider";

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __testRedis?: ProvidedRedis }).__testRedis?.stop();
}
