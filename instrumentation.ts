export async function register(): Promise<void> {
  // Written as Next documents it, so the edge bundle drops the Node.js-only start-up
  // checks (ioredis cannot even be bundled for the edge runtime).
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { checkStartup } = await import("./lib/startup");
    await checkStartup();
  }
}
