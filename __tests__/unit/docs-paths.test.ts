import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

/** A repository path as docs and comments write it: a top-level folder, then more. */
const pathPattern =
  /(?<![\w.@/-])((?:lib|pages|__tests__|dev|bench|scripts|components|styles|docs|deploy|public)\/[\w./[\]-]*[\w/\]-])/g;

/**
 * Paths that are named on purpose though they are not in the repository: made at run
 * time, or written by a tool into its own copy.
 */
const notInRepository = new Set([
  // bench/throughput.ts writes it into its temporary copy of the app.
  "pages/bench-unguarded.tsx",
  // bench/bare-next.ts writes it into its bare Next.js app.
  "pages/api/health.js",
  // The local provider's key, written on its first start (git-ignored).
  "dev/idp/.data/signing-key.json",
  // Made by the user from deploy/auth0/config.example.json; it holds a secret (git-ignored).
  "deploy/auth0/config.json",
]);

/** The files whose words a newcomer follows: docs, READMEs, and comments in code. */
function filesToRead(): string[] {
  return execFileSync(
    "git",
    ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    {
      cwd: root,
      encoding: "utf8",
    },
  )
    .split("\0")
    .filter((file) => /\.(md|ts|tsx|mjs|js|yml)$/.test(file))
    .filter(
      (file) => !file.startsWith("node_modules/") && existsSync(path.join(root, file)),
    );
}

describe("paths named in docs and comments", () => {
  it("every repository path that a doc, README or comment names exists", () => {
    const missing: string[] = [];
    for (const file of filesToRead()) {
      const text = readFileSync(path.join(root, file), "utf8");
      for (const [, named] of text.matchAll(pathPattern)) {
        const candidate = named!.replace(/[.]+$/, "");
        // A glob or a prefix (`lib/shared`, `docs/decisions/0005`) names what it starts.
        if (notInRepository.has(candidate) || candidate.includes("*")) continue;
        if (existsSync(path.join(root, candidate))) continue;
        const dir = path.dirname(path.join(root, candidate));
        const prefix = path.basename(candidate);
        const startsAFile =
          existsSync(dir) && readdirSync(dir).some((entry) => entry.startsWith(prefix));
        if (!startsAFile) missing.push(`${file}: ${candidate}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
