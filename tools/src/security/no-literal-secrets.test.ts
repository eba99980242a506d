/**
 * No secret lives in the repository: manifests, func.yaml, READMEs and code are scanned for what
 * credentials look like (private keys, Vault tokens, provider keys, passwords in URLs or in config
 * values). Secrets come from Vault; the dev defaults that are public on purpose are listed below.
 */

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "@shop/platform";
import { describe, expect, it } from "vitest";

const EVERYWHERE: [string, RegExp][] = [
  ["a PEM private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a private JWK", /"d"\s*:\s*"[A-Za-z0-9_-]{32,}"/],
  ["a Vault token", /\bhv[sbr]\.[A-Za-z0-9_-]{20,}/],
  ["a payment provider live key", /\b[sr]k_live_[A-Za-z0-9]{8,}/],
  ["an AWS access key", /\bAKIA[0-9A-Z]{16}\b/],
  ["a password in a database URL", /\bpostgres(?:ql)?:\/\/[^:\s/@'"`]+:(?![$<*])[^@\s'"`]+@/],
];
// In manifests and config, a secret-named key with a literal value is a secret in git.
const CONFIG: [string, RegExp][] = [
  [
    "a literal secret value",
    /\b(?:password|passwd|secret|api[_-]?key|token|secret[_-]?id)["']?\s*[:=]\s*["']?(?![$<{])[A-Za-z0-9+/_.-]{12,}/i,
  ],
];
const CONFIG_FILE = /\.(ya?ml|json|env|properties|toml|conf)$|(^|\/)Dockerfile$/;
const SKIP =
  /(^|\/)(node_modules|gen|dist|migrations)\/|pnpm-lock\.yaml$|\.binpb$|\.(png|jpe?g|gif|ico|webp|avif|woff2?)$/;

/** Dev defaults that are public on purpose (printed at start, never used outside development). */
const ALLOWED: { file: string; text: string; why: string }[] = [
  {
    file: "tools/src/deploy/manifests.test.ts",
    text: "postgres://orders:s3cret@db",
    why: "a deliberately leaky manifest, the fixture of the manifest leak check",
  },
];
// Knative func.yaml's reference to a Kubernetes Secret names it; it holds no value.
const REFERENCE = /\{\{\s*secret:[\w.-]+:[\w.-]+\s*\}\}/g;

function files(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  // This file names what secrets look like; it is the one place such text belongs.
  const self = "tools/src/security/no-literal-secrets.test.ts";
  return out.split("\n").filter((file) => file && file !== self && !SKIP.test(file));
}

describe("the repository", () => {
  it("holds no literal secret in manifests, func.yaml, READMEs or code", () => {
    const findings: string[] = [];
    for (const file of files()) {
      let text: string;
      try {
        text = readFileSync(join(repoRoot, file), "utf8");
      } catch {
        continue; // listed but deleted in the working tree
      }
      const rules = CONFIG_FILE.test(file) ? [...EVERYWHERE, ...CONFIG] : EVERYWHERE;
      text.split("\n").forEach((raw, index) => {
        const line = raw.replace(REFERENCE, "");
        for (const [what, pattern] of rules) {
          const match = pattern.exec(line);
          if (!match) continue;
          if (ALLOWED.some((a) => a.file === file && line.includes(a.text))) continue;
          findings.push(`${file}:${index + 1}: ${what}: ${match[0].slice(0, 24)}…`);
        }
      });
    }
    expect(findings).toEqual([]);
  });
});
