/**
 * A bare Next.js app for bench/throughput.ts: the same `next`, the same standalone
 * server, and one API route with the app's `/api/health` handler, but none of the app
 * (no instrumentation, no middleware, no response hooks). The app's `/api/health`
 * divided by this one's is what the app adds to every request before any session work
 * (issue 17: at least 0.95×).
 */
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../dev/harness/free-port";
import { baseEnv, startProcess, waitForHttp } from "../dev/harness/processes";

const buildTimeoutMs = 10 * 60_000;

const files: Record<string, string> = {
  "package.json": JSON.stringify({ name: "bench-bare-next", private: true }),
  "next.config.js": `module.exports = { output: "standalone", poweredByHeader: false };\n`,
  // The app's pages/api/health.ts, as JavaScript (no TypeScript set-up to build).
  "pages/api/health.js": `export default function health(_req, res) {
  res.setHeader("Cache-Control", "no-store");
  res.status(200).json({ status: "ok" });
}
`,
};

export interface BareNext {
  /** The bare app's base URL (by address). */
  url: string;
  stop(): Promise<void>;
}

/** Builds the bare app with the project's node_modules and starts its standalone server. */
export async function startBareNext(projectRoot: string): Promise<BareNext> {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-bare-next-"));
  const removeDir = () => {
    // Unlink the node_modules link first: nothing may ever reach through it.
    try {
      unlinkSync(path.join(dir, "node_modules"));
    } catch {
      // not made yet
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    symlinkSync(path.join(projectRoot, "node_modules"), path.join(dir, "node_modules"));
    const build = startProcess(
      "bare-next-build",
      process.execPath,
      // The app's own bundler (package.json's build: webpack, for its CSP).
      [require.resolve("next/dist/bin/next"), "build", "--webpack"],
      { ...baseEnv(), NEXT_TELEMETRY_DISABLED: "1" },
      { cwd: dir, processGroup: true },
    );
    const timer = setTimeout(() => void build.stop(), buildTimeoutMs);
    const code = await build.exited;
    clearTimeout(timer);
    if (code !== 0) throw new Error(`the bare app's build failed:\n${build.output()}`);
    const port = await freePort();
    const server = startProcess(
      "bare-next",
      process.execPath,
      [path.join(dir, ".next/standalone/server.js")],
      { ...baseEnv(), NODE_ENV: "production", HOSTNAME: "127.0.0.1", PORT: String(port) },
      { cwd: path.join(dir, ".next/standalone") },
    );
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/api/health`, server);
    return {
      url,
      stop: async () => {
        await server.stop();
        removeDir();
      },
    };
  } catch (error) {
    removeDir();
    throw error;
  }
}
