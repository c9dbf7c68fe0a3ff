import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";

/** A child process of a test or a benchmark, with its output kept for when something fails. */
export interface RunningProcess {
  name: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

export interface StartProcessOptions {
  cwd: string;
  /** Also write the output to `<logDir>/<name>.log`. */
  logDir?: string;
  /**
   * Start it as a process group and stop the whole group: for commands such as
   * `npm run …` whose real work happens in grandchildren.
   * @default false
   */
  processGroup?: boolean;
  /**
   * Write the output to this process's own stdout and stderr instead of keeping it
   * (`output()` is then empty): for a command a person watches, such as
   * `npm run dev:local`.
   * @default false
   */
  inheritOutput?: boolean;
}

const keptOutputChars = 200_000;
const killAfterMs = 5_000;

/** Starts `command` with exactly `env`; its output is kept in memory (the last 200 kB). */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  options: StartProcessOptions,
): RunningProcess {
  let logFile: ReturnType<typeof createWriteStream> | undefined;
  if (options.logDir) {
    mkdirSync(options.logDir, { recursive: true });
    logFile = createWriteStream(path.join(options.logDir, `${name}.log`));
  }
  let buffer = "";
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: env as NodeJS.ProcessEnv,
    stdio: options.inheritOutput
      ? ["ignore", "inherit", "inherit"]
      : ["ignore", "pipe", "pipe"],
    detached: options.processGroup ?? false,
  });
  const signal = (name: NodeJS.Signals) => {
    try {
      if (options.processGroup && child.pid) process.kill(-child.pid, name);
      else child.kill(name);
    } catch {
      // already gone
    }
  };
  const keep = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    buffer = (buffer + text).slice(-keptOutputChars);
    logFile?.write(text);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      logFile?.end();
      resolve(code);
    }),
  );
  return {
    name,
    child,
    output: () => buffer,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), killAfterMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The parent's environment minus what would configure a child app or provider by accident. */
export function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("AUTH0_") || key.startsWith("IDP_") || key === "APP_BASE_URL")
      delete env[key];
  }
  delete env.NODE_OPTIONS;
  return env;
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
      await response.arrayBuffer();
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
