import type { Redis } from "ioredis";
import type { Block, Counted, Hit } from "./detector.js";
import type { Guard } from "./guard.js";
import type { DetectStore } from "./store.js";

/**
 * One round trip, atomic: add the hit to the subject's sorted set (score = event time), drop what left
 * the window, keep at most `threshold` members (bounded per key), refresh the TTL, return the count and
 * the oldest time. Distinct counting uses the value itself as the member.
 */
const COUNT_SCRIPT = `
local key, at, window, threshold, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZADD', key, at, member)
redis.call('ZREMRANGEBYSCORE', key, '-inf', at - window)
local n = redis.call('ZCARD', key)
if n > threshold then redis.call('ZREMRANGEBYRANK', key, 0, n - threshold - 1); n = threshold end
redis.call('PEXPIRE', key, window)
local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {n, first[2]}
`;

type CountingRedis = Redis & { rampartCount(key: string, at: number, window: number, threshold: number, member: string): Promise<[number, string]> };

export interface RedisStoreOptions {
  redis: string;
  prefix?: string;
  /** Longest a store call may take before the request goes on without it. Default 150 ms. */
  timeoutMs?: number;
}

export class RedisStore implements DetectStore {
  readonly name = "redis";
  /** Set once ioredis has loaded: it is imported only when a Redis store is configured. */
  private client: CountingRedis | undefined;
  private closed = false;
  private readonly prefix: string;
  private sequence = 0;

  constructor(options: RedisStoreOptions, guard?: Guard) {
    this.prefix = options.prefix ?? "rampart:detect:";
    // Until the client connects the guard counts locally (the store starts out marked down), so nothing
    // waits for this import.
    import("ioredis")
      .then(({ Redis: RedisClient }) => {
        if (this.closed) return;
        const client = new RedisClient(options.redis, {
          lazyConnect: false,
          // Fail fast while disconnected: the request path must not queue behind a dead Redis.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          commandTimeout: options.timeoutMs ?? 150,
          connectTimeout: 1000,
          retryStrategy: (times) => Math.min(100 * times, 2000),
        }) as CountingRedis;
        client.defineCommand("rampartCount", { numberOfKeys: 1, lua: COUNT_SCRIPT });
        client.on("ready", () => guard?.storeRecovered());
        client.on("error", (error: unknown) => guard?.storeFailed(error));
        client.on("close", () => guard?.storeFailed(new Error("redis connection closed")));
        this.client = client;
      })
      .catch((error: unknown) => guard?.storeFailed(error));
  }

  private get connection(): CountingRedis {
    if (!this.client) throw new Error("redis client not loaded yet");
    return this.client;
  }

  async count(hit: Hit): Promise<Counted> {
    const member = hit.member ?? `${hit.at}:${process.pid}:${this.sequence++}`;
    const [count, first] = await this.connection.rampartCount(`${this.prefix}c:${hit.key}`, hit.at, hit.windowMs, hit.threshold, member);
    return { count: Number(count), firstSeen: Number(first) };
  }

  async setBlock(subject: string, block: Block, now: number): Promise<void> {
    const ttl = Math.max(1, block.until - now);
    await this.connection.set(`${this.prefix}b:${subject}`, JSON.stringify(block), "PX", ttl);
  }

  async getBlock(subjects: string[], now: number): Promise<(Block & { subject: string }) | undefined> {
    if (subjects.length === 0) return undefined;
    const values = await this.connection.mget(subjects.map((s) => `${this.prefix}b:${s}`));
    for (let i = 0; i < values.length; i++) {
      const raw = values[i];
      if (!raw) continue;
      const block = JSON.parse(raw) as Block;
      if (block.until > now) return { ...block, subject: subjects[i]! };
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client?.disconnect();
  }
}

/** Connects the configured store to the guard; memory needs nothing. */
export function createStore(option: { redis: string; prefix?: string; timeoutMs?: number } | DetectStore | undefined, guard: Guard): void {
  if (!option) return;
  if ("redis" in option && typeof option.redis === "string") guard.useStore(new RedisStore(option, guard), { connected: false });
  else guard.useStore(option as DetectStore);
}
