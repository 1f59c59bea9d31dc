import { isMap, isScalar } from "yaml";
import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { mapEntries, mapValue, pairOf, pairRange, rangeOf, scalarText, seqItems } from "../parsers/yaml-source.js";

/**
 * A container that can reach the Docker socket, runs privileged or shares the host's PID namespace
 * owns the host: a compromised agent (plugin, prompt injection into a shell tool) becomes root there.
 * `network_mode: host` is reported at medium: it bypasses port publishing, so every listener is public.
 */
export function check(file: FileContext): ScanReport[] {
  const doc = file.yaml;
  if (!doc) return [];
  const reports: ScanReport[] = [];
  for (const { key: name, pair } of mapEntries(mapValue(doc.contents, "services"))) {
    const service = pair.value;
    if (!isMap(service)) continue;
    for (const volume of seqItems(mapValue(service, "volumes"))) {
      const source = isScalar(volume) ? String(volume.value).split(":")[0] : scalarText(mapValue(volume, "source"));
      if (source && /(^|\/)docker\.sock$/.test(source)) {
        const [start, end] = rangeOf(volume);
        reports.push({ message: `service "${name}" mounts the Docker socket: anything running in it controls every container and the host`, start, end });
      }
    }
    const privileged = pairOf(service, "privileged");
    if (privileged && /^(true|yes)$/i.test(scalarText(privileged.value) ?? "")) {
      const [start, end] = pairRange(privileged);
      reports.push({ message: `service "${name}" runs privileged: a compromise in the container is root on the host`, start, end });
    }
    const pid = pairOf(service, "pid");
    if (pid && scalarText(pid.value) === "host") {
      const [start, end] = pairRange(pid);
      reports.push({ message: `service "${name}" shares the host PID namespace`, start, end });
    }
    const network = pairOf(service, "network_mode");
    if (network && scalarText(network.value) === "host") {
      const [start, end] = pairRange(network);
      reports.push({
        message: `service "${name}" uses network_mode: host, so every port it listens on is public regardless of ports:`,
        start,
        end,
        severity: "medium",
      });
    }
  }
  return reports;
}
