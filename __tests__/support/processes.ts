import path from "node:path";
import {
  startProcess as startHarnessProcess,
  waitForHttp,
  type RunningProcess,
} from "../../dev/harness/processes";

export { waitForHttp, type RunningProcess };

export const projectRoot = path.resolve(__dirname, "../..");
const artifactsDir = path.join(projectRoot, ".test-artifacts");

/** Starts `command` in the project; its output goes to `.test-artifacts/<name>.log` and to memory. */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
): RunningProcess {
  return startHarnessProcess(name, command, args, env, {
    cwd: projectRoot,
    logDir: artifactsDir,
  });
}
