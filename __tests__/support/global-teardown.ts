import type { ProvidedRedis } from "./redis-provider";

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __testRedis?: ProvidedRedis }).__testRedis?.stop();
}
