import { ConfigError } from "../errors";
import { processSingleton } from "../process-singleton";
import { tracingSettings } from "./settings";

/** The running SDK, for a flush before the process ends. */
interface Tracing {
  shutdown(): Promise<void>;
}

const state = processSingleton("tracing", () => ({
  tracing: undefined as Tracing | undefined,
}));

/**
 * Starts OpenTelemetry tracing when the environment asks for it (an OTLP endpoint, see
 * settings.ts). Called first at start-up (instrumentation.ts), before anything requires
 * ioredis: the instrumentations hook modules as they are loaded. Without an endpoint it
 * returns at once and no OpenTelemetry module is ever loaded: the SDK, the exporters and
 * the instrumentations sit behind the dynamic import below. A bad `OTEL_*` value stops
 * the start-up, naming the variable, as lib/startup.ts does for the app's own.
 */
export async function startTracingIfConfigured(): Promise<void> {
  if (state.tracing) return;
  let settings;
  try {
    settings = tracingSettings(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (!settings) return;
  const { startTracing } = await import("./start-tracing");
  state.tracing = startTracing(settings);
}

/** Exports the spans still buffered and stops tracing; nothing to do when it is off. */
export async function stopTracing(): Promise<void> {
  const tracing = state.tracing;
  state.tracing = undefined;
  await tracing?.shutdown();
}
