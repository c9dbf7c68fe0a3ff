// `next build` with `output: "standalone"` leaves the static assets out of the
// standalone folder (a CDN is expected to serve them). This app serves them
// itself, so copy them in, exactly as the Dockerfile does. It also copies `.env*` into
// the folder, where the server would read them as they were at build time: remove them,
// so configuration is read when the server starts (scripts/start.mjs), never baked in.
import { cpSync, existsSync, readdirSync, rmSync } from "node:fs";

const standalone = ".next/standalone";
cpSync(".next/static", `${standalone}/.next/static`, { recursive: true });
if (existsSync("public")) {
  cpSync("public", `${standalone}/public`, { recursive: true });
}
for (const name of readdirSync(standalone)) {
  if (name === ".env" || name.startsWith(".env.")) rmSync(`${standalone}/${name}`);
}
