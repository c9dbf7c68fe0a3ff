// Run by tracing-startup.int.test.ts as its own process (`node --import tsx <this file>`):
// runs the app's start-up hook (instrumentation.ts) with the environment it was given,
// then prints which OpenTelemetry packages that loaded. With PROBE_REDIS_KEY, it also
// writes PROBE_REDIS_VALUE there with the app's Redis client inside a span, and flushes
// the spans before it exits.
import { registerHooks } from "node:module";

const loadedPackages = new Set<string>();
// Every module resolution, `require` and `import` alike, passes through this hook.
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    const match = /\/node_modules\/(@opentelemetry\/[^/]+)\//.exec(resolved.url);
    if (match?.[1]) loadedPackages.add(match[1]);
    return resolved;
  },
});

async function main(): Promise<void> {
  const { register } = await import("../../instrumentation");
  await register();
  const loadedByStartup = [...loadedPackages].sort();
  const key = process.env.PROBE_REDIS_KEY;
  if (key) {
    const { trace } = await import("@opentelemetry/api");
    const { redis } = await import("../../lib/redis/client");
    await trace.getTracer("tracing-probe").startActiveSpan("probe", async (span) => {
      await redis.set(key, process.env.PROBE_REDIS_VALUE ?? "");
      span.end();
    });
  }
  const { stopTracing } = await import("../../lib/telemetry");
  await stopTracing();
  process.stdout.write(`\nPROBE ${JSON.stringify({ loadedByStartup })}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`probe failed: ${String(error)}\n`);
  process.exit(1);
});
