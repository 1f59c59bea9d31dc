import type { ConnectionOptions } from "node:tls";
import type { Cluster, ClusterOptions, Redis, RedisOptions } from "ioredis";
import { isRedisClient, parseHostPort, type RedisStoreOptions } from "./store-options.js";

export type RedisClient = Redis | Cluster;

export interface RedisConnection {
  client: RedisClient;
  /** Made by us (the app's own client is left open on close). */
  owned: boolean;
}

/**
 * Client settings for the request path: fail fast instead of queueing behind a dead or stopped Redis,
 * and pipeline the commands issued in one event-loop turn into one write.
 */
function tuning(timeoutMs: number): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // The guard gives up on a call after timeoutMs itself (letting a busy event loop read replies first);
    // this only clears commands a stopped Redis will never answer.
    commandTimeout: Math.max(1000, timeoutMs * 4),
    connectTimeout: 1000,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(100 * times, 2000),
  };
}

/** Makes the client the options describe; ioredis is imported here, only when a Redis store is configured. */
export async function connectRedis(options: RedisStoreOptions): Promise<RedisConnection> {
  const target = options.redis;
  if (typeof target === "object" && isRedisClient(target)) return { client: target, owned: false };
  const { Redis: RedisClass, Cluster: ClusterClass } = await import("ioredis");
  const base = tuning(options.timeoutMs ?? 150);
  if (typeof target === "string") return { client: new RedisClass(target, { ...base, ...tlsFor(target, options.tls) }), owned: true };
  if ("cluster" in target) {
    const first = new URL(target.cluster[0]!);
    const clusterOptions: ClusterOptions = {
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      scaleReads: "master",
      // Several quick tries while a replica is being promoted (node timeout plus election), then give up:
      // the guard counts locally meanwhile.
      maxRedirections: 4,
      retryDelayOnFailover: 50,
      retryDelayOnClusterDown: 50,
      retryDelayOnTryAgain: 50,
      slotsRefreshTimeout: 1000,
      clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
      redisOptions: { ...base, ...credentials(first), ...tlsFor(target.cluster[0]!, options.tls) },
    };
    const nodes = target.cluster.map((url) => ({ host: new URL(url).hostname.replace(/^\[|\]$/g, ""), port: Number(new URL(url).port || 6379) }));
    return { client: new ClusterClass(nodes, clusterOptions), owned: true };
  }
  const sentinelOptions: RedisOptions = {
    ...base,
    sentinels: target.sentinels.map((s) => parseHostPort(s)!),
    name: target.name,
    ...(target.password !== undefined ? { password: target.password } : {}),
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.sentinelPassword !== undefined ? { sentinelPassword: target.sentinelPassword } : {}),
    ...(options.tls ? { tls: options.tls, enableTLSForSentinelMode: true } : {}),
    sentinelRetryStrategy: (times) => Math.min(100 * times, 2000),
    // After a switch the old master turns replica and refuses writes: reconnect to find the new one.
    reconnectOnError: (error) => error.message.startsWith("READONLY"),
  };
  return { client: new RedisClass(sentinelOptions), owned: true };
}

function credentials(url: URL): RedisOptions {
  if (!url.username && !url.password) return {};
  return { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

function tlsFor(url: string, tls: ConnectionOptions | undefined): RedisOptions {
  if (!url.startsWith("rediss:")) return {};
  return { tls: tls ?? {} };
}
