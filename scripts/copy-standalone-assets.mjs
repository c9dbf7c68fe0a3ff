// `next build` with `output: "standalone"` leaves the static assets out of the
// standalone folder (a CDN is expected to serve them). This app serves them
// itself, so copy them in, exactly as the Dockerfile does.
import { cpSync, existsSync } from "node:fs";

const standalone = ".next/standalone";
cpSync(".next/static", `${standalone}/.next/static`, { recursive: true });
if (existsSync("public")) {
  cpSync("public", `${standalone}/public`, { recursive: true });
}
