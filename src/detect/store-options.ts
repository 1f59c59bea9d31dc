import type { ConnectionOptions } from "node:tls";
import type { Cluster, Redis } from "ioredis";
import { type DetectStore, REQUIRED_STORE_METHODS } from "./store.js";

/** A Redis Cluster, by some of its nodes' URLs (the client finds the rest). */
export interface RedisClusterTarget {
  cluster: string[];
}

/** A master found through Redis Sentinel. */
export interface RedisSentinelTarget {
  /** Sentinels as `host:port`. */
  sentinels: string[];
  /** The master's name in the sentinels' configuration. */
  name: string;
  password?: string;
  username?: string;
  sentinelPassword?: string;
}

/** Where the shared state lives: a URL, a cluster, a sentinel-managed master, or a client the app already made. */
export type RedisTarget = string | RedisClusterTarget | RedisSentinelTarget | Redis | Cluster;

export interface RedisStoreOptions {
  redis: RedisTarget;
  /** Key prefix. Default `rampart:detect:`. */
  prefix?: string;
  /** Longest a Redis call may take before the guard counts locally instead. Default 150 ms. */
  timeoutMs?: number;
  /** TLS settings (a private CA, say) for `rediss://` URLs, cluster nodes and sentinel-managed masters. */
  tls?: ConnectionOptions;
  /** Most blocks the shared index keeps (the ones expiring soonest go first). Default 100 000. */
  maxBlocks?: number;
}

export type StoreOption = RedisStoreOptions | DetectStore;

const STORE_KEYS = new Set(["redis", "prefix", "timeoutMs", "tls", "maxBlocks"]);
const SENTINEL_KEYS = new Set(["sentinels", "name", "password", "username", "sentinelPassword"]);

/**
 * Checks the `store` option when the middleware is created, so a typo stops the app at start-up with a
 * message naming the option instead of every request failing later. Returns the option, narrowed.
 */
export function validateStoreOption(option: unknown): StoreOption | undefined {
  if (option === undefined) return undefined;
  if (option === null || typeof option !== "object")
    throw storeError(`store must be an object such as { redis: "redis://host:6379" } or a custom store; got ${kindOf(option)}`);
  if ("redis" in option) return validateRedisOptions(option as Record<string, unknown>);
  return validateCustomStore(option as Record<string, unknown>);
}

function validateRedisOptions(option: Record<string, unknown>): RedisStoreOptions {
  for (const key of Object.keys(option)) if (!STORE_KEYS.has(key)) throw storeError(`unknown option store.${key} (known: ${[...STORE_KEYS].join(", ")})`);
  if (option.prefix !== undefined && (typeof option.prefix !== "string" || /[{}]/.test(option.prefix)))
    throw storeError("store.prefix must be a string without { or } (braces are Redis Cluster hash tags)");
  if (option.timeoutMs !== undefined && !isPositive(option.timeoutMs, 60_000))
    throw storeError(`store.timeoutMs must be a number of milliseconds between 1 and 60000; got ${kindOf(option.timeoutMs)}`);
  if (option.maxBlocks !== undefined && !(Number.isInteger(option.maxBlocks) && isPositive(option.maxBlocks, 10_000_000)))
    throw storeError("store.maxBlocks must be a whole number between 1 and 10000000");
  if (option.tls !== undefined && (option.tls === null || typeof option.tls !== "object"))
    throw storeError("store.tls must be an object of TLS settings, e.g. { ca }");
  validateTarget(option.redis);
  return option as unknown as RedisStoreOptions;
}

function validateTarget(target: unknown): void {
  if (typeof target === "string") return validateUrl(target, "store.redis");
  if (target === null || typeof target !== "object")
    throw storeError(
      `store.redis must be a redis:// or rediss:// URL, { cluster: [urls] }, { sentinels: [host:port], name } or an ioredis client; got ${kindOf(target)}`,
    );
  if (isRedisClient(target)) return;
  const fields = target as Record<string, unknown>;
  if ("cluster" in fields) return validateCluster(fields);
  if ("sentinels" in fields) return validateSentinel(fields);
  throw storeError(
    `store.redis has none of cluster or sentinels (keys given: ${Object.keys(fields).join(", ") || "none"}); use a URL, { cluster: [urls] }, { sentinels: [host:port], name } or an ioredis client`,
  );
}

function validateCluster(fields: Record<string, unknown>): void {
  for (const key of Object.keys(fields))
    if (key !== "cluster") throw storeError(`unknown option store.redis.${key} (a cluster takes only cluster: [urls]; put the password in the URLs)`);
  const nodes = fields.cluster;
  if (!Array.isArray(nodes) || nodes.length === 0) throw storeError("store.redis.cluster must be a non-empty list of redis:// or rediss:// node URLs");
  for (const [i, url] of nodes.entries()) validateUrl(url, `store.redis.cluster[${i}]`);

  const schemes = new Set(nodes.map((url: string) => url.slice(0, url.indexOf(":"))));
  if (schemes.size > 1) throw storeError("store.redis.cluster mixes redis:// and rediss:// nodes; a cluster uses TLS on every node or on none");
}

function validateSentinel(fields: Record<string, unknown>): void {
  for (const key of Object.keys(fields))
    if (!SENTINEL_KEYS.has(key)) throw storeError(`unknown option store.redis.${key} (known: ${[...SENTINEL_KEYS].join(", ")})`);
  const sentinels = fields.sentinels;
  if (!Array.isArray(sentinels) || sentinels.length === 0) throw storeError("store.redis.sentinels must be a non-empty list of host:port");
  sentinels.forEach((s, i) => {
    if (typeof s !== "string" || !parseHostPort(s)) throw storeError(`store.redis.sentinels[${i}] must be host:port; got ${kindOf(s)}`);
  });
  if (typeof fields.name !== "string" || fields.name === "")
    throw storeError("store.redis.name must name the master as the sentinels know it (sentinel monitor <name> ...)");
  for (const key of ["password", "username", "sentinelPassword"]) {
    if (fields[key] !== undefined && typeof fields[key] !== "string") throw storeError(`store.redis.${key} must be a string`);
  }
}

function validateUrl(url: unknown, where: string): void {
  if (typeof url !== "string") throw storeError(`${where} must be a redis:// or rediss:// URL; got ${kindOf(url)}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw storeError(`${where} is not a URL (expected redis://[:password@]host:port or rediss://...)`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:")
    throw storeError(`${where} must start with redis:// or rediss://; got ${parsed.protocol}//`);
  if (!parsed.hostname) throw storeError(`${where} has no host (${describeUrl(parsed)})`);
}

function validateCustomStore(store: Record<string, unknown>): DetectStore {
  const missing = REQUIRED_STORE_METHODS.filter((m) => typeof store[m] !== "function");
  if (missing.length > 0) {
    throw storeError(
      `store has no redis option and is not a custom store: missing method${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (keys given: ${Object.keys(store).join(", ") || "none"}); for Redis pass { redis: "redis://host:6379" }`,
    );
  }
  if (store.start !== undefined && typeof store.start !== "function") throw storeError("store.start must be a function when given");
  return store as unknown as DetectStore;
}

/** An ioredis Redis or Cluster instance (checked by shape: the app's ioredis copy may not be ours). */
export function isRedisClient(value: object): value is Redis | Cluster {
  const client = value as Record<string, unknown>;
  return typeof client.defineCommand === "function" && typeof client.duplicate === "function";
}

export function parseHostPort(spec: string): { host: string; port: number } | undefined {
  const at = spec.lastIndexOf(":");
  const port = Number(spec.slice(at + 1));
  const host = spec.slice(0, at).replace(/^\[|\]$/g, "");
  return at > 0 && host && Number.isInteger(port) && port > 0 && port < 65536 ? { host, port } : undefined;
}

/** A URL for messages: never with its password. */
function describeUrl(url: URL): string {
  return `${url.protocol}//${url.password ? "***@" : ""}${url.host}`;
}

function isPositive(value: unknown, max: number): boolean {
  return typeof value === "number" && Number.isFinite(value) && value >= 1 && value <= max;
}

/** The type of a bad value, never the value (it may be a URL with a password in it). */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "string" ? `a string of ${value.length} characters` : `a ${typeof value}`;
}

function storeError(message: string): Error {
  return new Error(`rampart: ${message}`);
}
