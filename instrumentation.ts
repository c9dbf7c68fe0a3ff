export async function register(): Promise<void> {
  // Written as Next documents it, so the edge bundle drops the Node.js-only start-up
  // checks (ioredis cannot even be bundled for the edge runtime).
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Tracing first: its instrumentations hook ioredis as it is first required, which
    // start-up does next. Without an OTLP endpoint this loads nothing of OpenTelemetry.
    const { startTracingIfConfigured } = await import("./lib/telemetry");
    await startTracingIfConfigured();
    const { checkStartup } = await import("./lib/startup");
    await checkStartup();
  }
}
