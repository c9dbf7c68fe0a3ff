import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants";

/**
 * How much of a request body Next copies for the proxy (by default 10 MB, read from
 * the socket and held even if the proxy reads none of it). Past this, Next drops
 * the chunk that crosses it, logs a warning, and ends the copy the proxy reads as
 * though the body were complete (the rest is read from the socket and dropped). So it
 * is the back-channel logout's limit (16 KB, `maxBodyBytes` in
 * lib/backchannel-logout/handler.ts) plus the largest chunk Node.js hands over at once
 * (64 KiB, one socket read): whatever Next lets through of a larger body still exceeds
 * 16 KB, and the handler refuses it, as it does any body over 16 KB (a test checks both).
 */
const proxyBodyCopyBytes = 16 * 1024 + 64 * 1024;

/**
 * `next dev` writes to `.next-dev`, so that running it (`npm run dev:local`) never wipes
 * the production build in `.next` that `npm start` and `npm run start:local` serve.
 */
export default function nextConfig(phase: string): NextConfig {
  return {
    distDir: phase === PHASE_DEVELOPMENT_SERVER ? ".next-dev" : ".next",
    // The Docker image runs `node server.js` from the standalone output: no
    // node_modules tree and no `next` CLI in the final stage.
    output: "standalone",
    reactStrictMode: true,
    poweredByHeader: false,
    // ioredis from node_modules, never a bundled copy: the start-up hook creates the
    // process's one Redis client, and only a module Node.js itself loads is seen by
    // OpenTelemetry's ioredis instrumentation (lib/telemetry), which hooks `require`.
    serverExternalPackages: ["ioredis"],
    // The app has no images: `/_next/image` would only be a way to make this server
    // fetch, decode and resize what others choose. Unoptimized, Next answers it 404.
    images: { unoptimized: true },
    // Next 16 otherwise writes an AGENTS.md into the repository on `next dev`, and
    // `next build` looks for newer releases in the background: the work tree stays the
    // project's, and a build does only the build.
    agentRules: false,
    experimental: {
      agentUpgrade: false,
      // The only body the proxy reads is a back-channel logout's.
      proxyClientMaxBodySize: proxyBodyCopyBytes,
    },
  };
}
