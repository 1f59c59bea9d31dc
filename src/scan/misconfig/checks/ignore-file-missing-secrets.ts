import ignore from "ignore";
import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { isEnvFile, isEnvTemplate } from "../file-kinds.js";
import { dirOf } from "../tree.js";

/** Files that must never reach git or a Docker build context. */
export function isSensitivePath(path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (isEnvFile(path)) return !isEnvTemplate(path);
  if (name === ".envrc" || name === ".dev.vars") return true;
  if (/\.(pem|key|p12|pfx|jks|keystore|ppk)$/.test(name) && !/\.pub(\.pem)?$/.test(name) && !name.includes("public")) return true;
  if (/^id_(rsa|dsa|ecdsa|ed25519)$/.test(name)) return true;
  if (
    name.endsWith(".json") &&
    (name.includes("wallet") || name.includes("keypair") || name.startsWith("service-account") || name === "credentials.json" || name.endsWith(".secret.json"))
  )
    return true;
  return /(^|\/)\.eliza\/|(^|\/)\.elizadb\//.test(path.toLowerCase());
}

/**
 * ELZ-014: a .gitignore or .dockerignore that lets env and key files through while such files
 * exist in the tree. Needs the file list (ScanFile.tree); judged with git's own ignore semantics.
 */
export function check(file: FileContext): ScanReport[] {
  const tree = file.tree;
  if (!tree) return [];
  const name = file.path.slice(file.path.lastIndexOf("/") + 1);
  const base = dirOf(file.path);
  const sameKindDirs = tree.filter((p) => p.endsWith(`/${name}`) || p === name).map(dirOf);
  const docker = name === ".dockerignore";
  const matcher = ignore().add(docker ? asDockerPatterns(file.text) : file.text);
  const exposed = tree.filter((path) => {
    if (!path.startsWith(base) || !isSensitivePath(path)) return false;
    // A nearer ignore file of the same kind governs this path; that file's own check judges it.
    if (sameKindDirs.some((d) => d.length > base.length && path.startsWith(d))) return false;
    return !matcher.ignores(path.slice(base.length));
  });
  if (exposed.length === 0) return [];
  const what = docker
    ? "the Docker build context (COPY . . or COPY packages ./packages bakes them into the image; in .dockerignore `.env` matches only the top level, `**/.env` every level)"
    : "git";
  const listed = exposed.slice(0, 5).join(", ") + (exposed.length > 5 ? `, and ${exposed.length - 5} more` : "");
  const firstLineEnd = file.text.indexOf("\n");
  const examples = docker ? "**/.env, **/.env.*, !**/.env.example, **/*.pem, **/*wallet*.json" : ".env, .env.*, !.env.example, *.pem, *wallet*.json";
  return [
    {
      message: `${name} does not exclude ${listed}: they can reach ${what}; add patterns such as ${examples}`,
      start: 0,
      end: firstLineEnd === -1 ? Math.max(1, file.text.length) : Math.max(1, firstLineEnd),
    },
  ];
}

/**
 * Docker matches .dockerignore patterns from the build context's top (Go filepath.Match plus `**`): `.env`
 * there is only `./.env`, unlike git, where it matches at any depth. Anchoring each pattern gives git-style
 * matching Docker's meaning, so `packages/core/.env` is seen as let through.
 */
function asDockerPatterns(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => {
      const trimmed = line.trim();
      if (trimmed === "" || trimmed.startsWith("#")) return line;
      const negated = trimmed.startsWith("!");
      const body = (negated ? trimmed.slice(1) : trimmed).replace(/^\.\//, "");
      const anchored = body.startsWith("/") || body.startsWith("**/") ? body : `/${body}`;
      return `${negated ? "!" : ""}${anchored}`;
    })
    .join("\n");
}
