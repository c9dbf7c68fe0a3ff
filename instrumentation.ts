export async function register(): Promise<void> {
  // The edge runtime has no process to stop and never holds the configuration.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkStartup } = await import("./lib/startup");
  await checkStartup();
}
