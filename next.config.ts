import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants";

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
    // Tests and scripts keep their own tsconfig checks (`npm run lint`).
    eslint: { ignoreDuringBuilds: true },
  };
}
