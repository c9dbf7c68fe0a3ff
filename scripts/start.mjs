// `npm start`: the production server (the build's standalone server.js, as the Docker
// image runs it), configured from the environment and `.env` read now, at start-up.
// Variables already set win over the file. `ENV_FILE` names another file (tests use it
// so that a developer's own .env is never touched). Nothing of .env is in the build:
// scripts/copy-standalone-assets.mjs removes the copy `next build` makes.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const server = path.join(root, ".next/standalone/server.js");
if (!existsSync(server)) {
  console.error("npm start: the app is not built: run `npm run build` first.");
  process.exit(1);
}
const envFile = path.resolve(process.env.ENV_FILE ?? path.join(root, ".env"));
if (existsSync(envFile)) process.loadEnvFile(envFile);
else if (process.env.ENV_FILE) {
  console.error(`npm start: ENV_FILE ${envFile} does not exist.`);
  process.exit(1);
}
createRequire(import.meta.url)(server);
