import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";

/** Base images that already run as an unprivileged user. */
const NON_ROOT_BASE = /(:|-)nonroot\b|^cgr\.dev\/|chainguard/i;

/** Images that run as a non-root user by default: `…:nonroot`, distroless `…nonroot`, Chainguard's. */
function isNonRootBase(image: string): boolean {
  if (NON_ROOT_BASE.test(image)) return true;
  const distroless = image.search(/distroless/i);
  return distroless !== -1 && /nonroot/i.test(image.slice(distroless));
}

/**
 * The final stage runs as root (no USER, or USER root/0): code execution in the agent (a plugin,
 * a prompt-injected shell tool) gets root in the container, one kernel bug from the host.
 */
export function check(file: FileContext): ScanReport[] {
  const instructions = file.dockerfile;
  let lastFrom = -1;
  instructions.forEach((i, index) => {
    if (i.keyword === "FROM") lastFrom = index;
  });
  if (lastFrom === -1) return [];
  const from = instructions[lastFrom]!;
  const image = from.args.split(/\s+/).find((w) => !w.startsWith("--")) ?? "";
  if (isNonRootBase(image) || image === "scratch") return [];
  const users = instructions.slice(lastFrom + 1).filter((i) => i.keyword === "USER");
  const last = users.at(-1);
  if (last && !/^(root|0)(:|$)/.test(last.args.trim())) return [];
  if (last) return [{ message: "the final stage switches back to USER root: the container's process runs as root", start: last.start, end: last.end }];
  return [
    {
      message: `the final stage (FROM ${image}) never sets USER, so the process runs as root; add e.g. USER node (or a numeric UID) before CMD`,
      start: from.start,
      end: from.end,
    },
  ];
}
