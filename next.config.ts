import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The Docker image runs `node server.js` from the standalone output: no
  // node_modules tree and no `next` CLI in the final stage.
  output: "standalone",
  reactStrictMode: true,
  poweredByHeader: false,
  // Tests and scripts keep their own tsconfig checks (`npm run lint`).
  eslint: { ignoreDuringBuilds: true },
};

export default nextConfig;
