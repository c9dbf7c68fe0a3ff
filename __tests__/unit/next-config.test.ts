import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_BUILD } from "next/constants";
import nextConfig from "../../next.config";
import { maxBodyBytes } from "../../lib/backchannel-logout/handler";

describe("next.config", () => {
  it("gives next dev its own output folder, so dev:local never wipes the production build", () => {
    expect(nextConfig(PHASE_DEVELOPMENT_SERVER).distDir).toBe(".next-dev");
    expect(nextConfig(PHASE_PRODUCTION_BUILD).distDir).toBe(".next");
    expect(nextConfig(PHASE_PRODUCTION_BUILD).output).toBe("standalone");
  });

  it("has Next copy a proxy request's body only up to the back-channel limit plus one socket read", () => {
    // Next drops the chunk that crosses its limit and ends the copy as if complete; a
    // chunk is at most one 64 KiB socket read, so what it lets through of a larger body
    // still exceeds maxBodyBytes, and the handler sees that.
    expect(nextConfig(PHASE_PRODUCTION_BUILD).experimental?.proxyClientMaxBodySize).toBe(
      maxBodyBytes + 64 * 1024,
    );
    expect(maxBodyBytes).toBe(16 * 1024);
  });

  it("has next dev write nothing into the repository and next build check no releases", () => {
    expect(nextConfig(PHASE_DEVELOPMENT_SERVER).agentRules).toBe(false);
    expect(nextConfig(PHASE_PRODUCTION_BUILD).experimental?.agentUpgrade).toBe(false);
  });

  it("turns image optimisation off, so that Next answers /_next/image with a 404", () => {
    // next-server.js answers /_next/image with render404 when `images.unoptimized`.
    expect(nextConfig(PHASE_PRODUCTION_BUILD).images?.unoptimized).toBe(true);
    expect(nextConfig(PHASE_DEVELOPMENT_SERVER).images?.unoptimized).toBe(true);
  });
});
