import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, createWriteStream } from "node:fs";
import path from "node:path";

export const projectRoot = path.resolve(__dirname, "../..");
const artifactsDir = path.join(projectRoot, ".test-artifacts");

/** A child process of a test, with its output kept for when something fails. */
export interface RunningProcess {
  name: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

/** Starts `command`; its output goes to `.test-artifacts/<name>.log` and to memory. */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
): RunningProcess {
  mkdirSync(artifactsDir, { recursive: true });
  const logFile = createWriteStream(path.join(artifactsDir, `${name}.log`));
  let buffer = "";
  const child = spawn(command, args, {
    cwd: projectRoot,
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    buffer = (buffer + text).slice(-200_000);
    logFile.write(text);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      logFile.end();
      resolve(code);
    }),
  );
  return {
    name,
    child,
    output: () => buffer,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers with a status below 500, or fails with the process's output. */
export async function waitForHttp(
  url: string,
  proc: RunningProcess,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) {
      throw new Error(
        `${proc.name} exited with ${proc.child.exitCode}:\n${proc.output()}`,
      );
    }
    try {
      const response = await fetch(url, { redirect: "manual" });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(
    `${proc.name} did not answer ${url} within ${timeoutMs} ms:\n${proc.output()}`,
  );
}
