import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { isComposeFile } from "../file-kinds.js";
import { composeServices } from "../parsers/compose.js";

/** ELZ-036: `:latest` or no tag at all means a different image on every pull. */
export function check(file: FileContext): ScanReport[] {
  return isComposeFile(file.path) ? compose(file) : dockerfile(file);
}

function mutableTag(image: string): string | undefined {
  if (image.includes("@sha256:") || image.includes("$")) return undefined;
  const name = image.slice(image.lastIndexOf("/") + 1);
  const colon = name.indexOf(":");
  if (colon === -1) return "has no tag (means :latest)";
  return name.slice(colon + 1) === "latest" ? "uses :latest" : undefined;
}

function compose(file: FileContext): ScanReport[] {
  return composeServices(file.yaml).flatMap((service) => {
    if (!service.image) return [];
    const why = mutableTag(service.image.value);
    return why
      ? [
          {
            message: `service "${service.name}" image ${service.image.value} ${why}; pin a version tag or digest`,
            start: service.image.start,
            end: service.image.end,
          },
        ]
      : [];
  });
}

function dockerfile(file: FileContext): ScanReport[] {
  const stages = new Set<string>();
  const reports: ScanReport[] = [];
  for (const instruction of file.dockerfile) {
    if (instruction.keyword !== "FROM") continue;
    const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith("--"));
    const image = words[0] ?? "";
    if (words[1]?.toLowerCase() === "as" && words[2]) stages.add(words[2].toLowerCase());
    if (image === "scratch" || stages.has(image.toLowerCase())) continue;
    const why = mutableTag(image);
    if (why) reports.push({ message: `FROM ${image} ${why}; pin a version tag or digest`, start: instruction.start, end: instruction.end });
  }
  return reports;
}
