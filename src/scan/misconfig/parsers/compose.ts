import { type Document, isMap, isScalar, isSeq, type Pair } from "yaml";
import { isLoopbackHost } from "../secret-names.js";
import { mapEntries, mapValue, pairOf, rangeOf, scalarText, seqItems } from "./yaml-source.js";

/** One compose service with what the rules read from it, each piece with its source range. */
export interface ComposeService {
  name: string;
  nameStart: number;
  image?: { value: string; start: number; end: number };
  env: SourcedEntry[];
  hasEnvFile: boolean;
  ports: PublishedPort[];
  command: string;
  containerName: string;
  /** The build context (`build: .` or `build: { context: ../.. }`); undefined when the service is pulled. */
  build?: string;
}

export interface SourcedEntry {
  key: string;
  value: string;
  keyStart: number;
  valueStart: number;
  valueEnd: number;
}

export interface PublishedPort {
  hostIp: string | undefined;
  hostPort: string | undefined;
  containerPort: string;
  start: number;
  end: number;
}

/** The services of a compose file's document (a file context's `yaml` view). */
export function composeServices(doc: Document | undefined): ComposeService[] {
  if (!doc) return [];
  const services = mapValue(doc.contents, "services");
  return mapEntries(services).flatMap(({ key, pair }) => (isMap(pair.value) ? [toService(key, pair)] : []));
}

function toService(name: string, pair: Pair): ComposeService {
  const node = pair.value;
  const imageNode = mapValue(node, "image");
  const image = scalarText(imageNode);
  const [imageStart, imageEnd] = rangeOf(imageNode);
  const commandNode = mapValue(node, "command");
  const command = isSeq(commandNode) ? commandNode.items.map((i) => scalarText(i) ?? "").join(" ") : (scalarText(commandNode) ?? "");
  return {
    name,
    nameStart: rangeOf(pair.key)[0],
    ...(image !== undefined ? { image: { value: image, start: imageStart, end: imageEnd } } : {}),
    env: environmentOf(mapValue(node, "environment")),
    hasEnvFile: pairOf(node, "env_file") !== undefined,
    ports: portsOf(mapValue(node, "ports")),
    command,
    containerName: scalarText(mapValue(node, "container_name")) ?? "",
    ...buildOf(mapValue(node, "build")),
  };
}

function buildOf(node: unknown): { build?: string } {
  if (node === undefined || node === null) return {};
  const context = isMap(node) ? (scalarText(mapValue(node, "context")) ?? ".") : scalarText(node);
  return context === undefined ? {} : { build: context };
}

/** `environment:` as a map (`KEY: value`) or a list (`- KEY=value`). */
export function environmentOf(node: unknown): SourcedEntry[] {
  if (isMap(node)) {
    return mapEntries(node).map(({ key, pair }) => {
      const [keyStart] = rangeOf(pair.key);
      const [valueStart, valueEnd] = pair.value ? rangeOf(pair.value) : [keyStart, keyStart];
      return { key, value: scalarText(pair.value) ?? "", keyStart, valueStart, valueEnd };
    });
  }
  return seqItems(node).flatMap((item) => {
    const raw = scalarText(item);
    if (raw === undefined) return [];
    const [start, end] = rangeOf(item);
    const eq = raw.indexOf("=");
    const key = eq === -1 ? raw : raw.slice(0, eq);
    return [{ key: key.trim(), value: eq === -1 ? "" : raw.slice(eq + 1), keyStart: start, valueStart: start, valueEnd: end }];
  });
}

/** Short (`"127.0.0.1:5432:5432"`, `5432`) and long (`{ target, published, host_ip }`) port syntax. */
function portsOf(node: unknown): PublishedPort[] {
  return seqItems(node).flatMap((item): PublishedPort[] => {
    const [start, end] = rangeOf(item);
    if (isScalar(item)) return [parseShortPort(String(item.value), start, end)];
    if (isMap(item)) {
      const published = scalarText(mapValue(item, "published"));
      return [
        {
          hostIp: scalarText(mapValue(item, "host_ip")),
          hostPort: published,
          containerPort: scalarText(mapValue(item, "target")) ?? "",
          start,
          end,
        },
      ];
    }
    return [];
  });
}

function parseShortPort(spec: string, start: number, end: number): PublishedPort {
  const withoutProto = spec.replace(/\/(tcp|udp|sctp)$/i, "");
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(withoutProto);
  if (v6) {
    const [hostPort, containerPort] = (v6[2] ?? "").split(":");
    return { hostIp: v6[1], hostPort, containerPort: containerPort ?? hostPort ?? "", start, end };
  }
  const parts = withoutProto.split(":");
  if (parts.length >= 3) return { hostIp: parts.slice(0, -2).join(":"), hostPort: parts.at(-2), containerPort: parts.at(-1) ?? "", start, end };
  if (parts.length === 2) return { hostIp: undefined, hostPort: parts[0], containerPort: parts[1] ?? "", start, end };
  return { hostIp: undefined, hostPort: undefined, containerPort: parts[0] ?? "", start, end };
}

/** Published on every interface: no host IP, or 0.0.0.0 / :: ; `${BIND:-127.0.0.1}` counts by its default. */
export function isPublishedEverywhere(port: PublishedPort): boolean {
  if (port.hostPort === undefined && port.hostIp === undefined) return true;
  if (port.hostIp === undefined || port.hostIp === "") return true;
  const ip = port.hostIp.replace(/^\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}$/, "$1");
  if (ip === "0.0.0.0" || ip === "::" || ip === "[::]") return true;
  if (isLoopbackHost(ip) || ip.startsWith("$") || isPrivateBind(ip)) return false;
  return true;
}

/** A specific private interface address (10/8, 172.16/12, 192.168/16) is a deliberate, narrower bind. */
function isPrivateBind(ip: string): boolean {
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip);
}
