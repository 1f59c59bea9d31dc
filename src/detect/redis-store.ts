import { randomBytes } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import type { Block, Hit } from "./detector.js";
import { connectRedis, type RedisClient, type RedisConnection } from "./redis-connect.js";
import { type StoreKeys, storeKeys } from "./redis-keys.js";
import type { BlockScope } from "./rule.js";
import type { DetectStore, SharedCount, StoreListener } from "./store.js";
import { type RedisStoreOptions, validateStoreOption } from "./store-options.js";

/**
 * One round trip, atomic, one key: drop what left the window, add the hit to the subject's sorted set
 * (score = event time), keep at most `keep` members (bounded per key), refresh the TTL; return the count, the
 * oldest time, whether the member is new to the window, and (distinct counts at the threshold) the ten newest
 * members for the alert to name. Distinct counting uses the value itself as the member. When `reset` is set
 * the call that reaches the threshold empties the set, as the in-memory detector does: exactly one instance
 * sees the crossing, and the next alert needs a fresh window's worth of evidence. Pair-scoped counts are kept;
 * their second key marks the window's alert, so instances after the first learn they only refuse new members.
 */
const COUNT_SCRIPT = `
local key, alerted = KEYS[1], KEYS[2]
local at, window, threshold, member = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local keep, reset, name = tonumber(ARGV[5]), ARGV[6] == '1', ARGV[7] == '1'
redis.call('ZREMRANGEBYSCORE', key, '-inf', at - window)
local fresh = redis.call('ZSCORE', key, member) == false
redis.call('ZADD', key, at, member)
local n = redis.call('ZCARD', key)
if n > keep then redis.call('ZREMRANGEBYRANK', key, 0, n - keep - 1); n = keep end
local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local named = {}
if name and n >= threshold then named = redis.call('ZREVRANGE', key, 0, 9) end
local again = 0
if n >= threshold and not reset and not redis.call('SET', alerted, '1', 'PX', window, 'NX') then again = 1 end
if reset and n >= threshold then redis.call('DEL', key) else redis.call('PEXPIRE', key, window) end
return {n, first[2], fresh and 1 or 0, named, again}
`;

/**
 * Records a block in the index (two keys with one hash tag: subject → until, subject → block) and
 * publishes it, atomically. Expired entries leave first; beyond `cap` the ones expiring soonest go; a
 * longer block already there stays. The index expires with its last block.
 */
const BLOCK_SCRIPT = `
local untilKey, dataKey = KEYS[1], KEYS[2]
local subject, untilAt, payload, now, cap, channel = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local function drop(subjects) for _, s in ipairs(subjects) do redis.call('HDEL', dataKey, s) end end
drop(redis.call('ZRANGEBYSCORE', untilKey, '-inf', now, 'LIMIT', 0, 1000))
redis.call('ZREMRANGEBYSCORE', untilKey, '-inf', now)
local current = tonumber(redis.call('ZSCORE', untilKey, subject))
if current and current >= untilAt then return 0 end
redis.call('ZADD', untilKey, untilAt, subject)
redis.call('HSET', dataKey, subject, payload)
local n = redis.call('ZCARD', untilKey)
if n > cap then
  drop(redis.call('ZRANGE', untilKey, 0, n - cap - 1))
  redis.call('ZREMRANGEBYRANK', untilKey, 0, n - cap - 1)
end
local last = redis.call('ZRANGE', untilKey, -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', untilKey, last[2])
redis.call('PEXPIREAT', dataKey, last[2])
redis.call('PUBLISH', channel, payload)
return 1
`;

/** The active blocks of the index, as the JSON each was published with. */
const ACTIVE_SCRIPT = `
local subjects = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf')
if #subjects == 0 then return {} end
return redis.call('HMGET', KEYS[2], unpack(subjects))
`;

interface StoreCommands {
  rampartCount(
    key: string,
    alerted: string,
    at: number,
    window: number,
    threshold: number,
    member: string,
    keep: number,
    reset: 0 | 1,
    name: 0 | 1,
  ): Promise<[number, string, number, string[], number]>;
  rampartBlock(untilKey: string, dataKey: string, subject: string, until: number, payload: string, now: number, cap: number, channel: string): Promise<number>;
  rampartActive(untilKey: string, dataKey: string, now: number): Promise<Array<string | null>>;
}

type CountingClient = RedisClient & StoreCommands;

/** A block as published and stored: short field names, the subject included. */
interface BlockRecord {
  s: string;
  u: number;
  st: 403 | 429;
  r: string;
  sc?: BlockScope;
}

const SCOPES: ReadonlySet<string> = new Set(["subject", "auth", "pair"]);

export class RedisStore implements DetectStore {
  readonly name = "redis";
  readonly timeoutMs: number;
  private connection: RedisConnection | undefined;
  private subscriber: RedisClient | undefined;
  private closed = false;
  private readonly keys: StoreKeys;
  private readonly maxBlocks: number;
  private sequence = 0;
  /** Tells this process's members from other instances' (process ids repeat across containers). */
  private readonly instance = randomBytes(6).toString("base64url");
  /** One member per counted event, kept with the hit: a hit sent again after a timeout is not counted twice. */
  private readonly members = new WeakMap<Hit, string>();
  private listener: StoreListener | undefined;

  constructor(private readonly options: RedisStoreOptions) {
    this.keys = storeKeys(options.prefix ?? "rampart:detect:");
    this.timeoutMs = options.timeoutMs ?? 150;
    this.maxBlocks = options.maxBlocks ?? 100_000;
  }

  /** Connects in the background: until the client is ready the guard counts locally, so nothing waits on this. */
  start(listener: StoreListener): void {
    this.listener = listener;
    connectRedis(this.options)
      .then((connection) => this.attach(connection, listener))
      .catch((error: unknown) => listener.down(error));
  }

  private attach(connection: RedisConnection, listener: StoreListener): void {
    if (this.closed) {
      if (connection.owned) connection.client.disconnect();
      return;
    }
    const client = connection.client;
    client.defineCommand("rampartCount", { numberOfKeys: 2, lua: COUNT_SCRIPT });
    client.defineCommand("rampartBlock", { numberOfKeys: 2, lua: BLOCK_SCRIPT });
    client.defineCommand("rampartActive", { numberOfKeys: 2, lua: ACTIVE_SCRIPT });
    this.connection = connection;
    // Once closed on purpose, the client's farewell events are no outage.
    client.on("ready", () => this.closed || listener.up());
    client.on("error", (error: unknown) => this.closed || listener.down(error));
    client.on("close", () => this.closed || listener.down(new Error("redis connection closed")));
    if (client.status === "ready") listener.up();
    this.subscribe(client, listener);
  }

  /**
   * A second connection listens for new blocks. After every (re)subscription the active blocks are read once:
   * Redis does not replay messages published while a subscriber was away.
   */
  private subscribe(client: RedisClient, listener: StoreListener): void {
    const subscriber: RedisClient = client.isCluster ? (client as Cluster).duplicate() : (client as Redis).duplicate();
    this.subscriber = subscriber;
    subscriber.on("error", () => undefined); // the main client reports the state
    subscriber.on("message", (channel: string, message: string) => {
      if (channel !== this.keys.blockChannel) return;
      const record = parseBlock(message);
      if (record) listener.block(record.s, blockOf(record));
    });
    subscriber.on("ready", () => {
      subscriber
        .subscribe(this.keys.blockChannel)
        .then(() => this.resync())
        .catch((error: unknown) => listener.down(error));
    });
  }

  private get client(): CountingClient {
    if (!this.connection) throw new Error("redis client not connected yet");
    return this.connection.client as CountingClient;
  }

  async count(hit: Hit): Promise<SharedCount> {
    const distinct = hit.member !== undefined;
    const member = hit.member ?? this.memberOf(hit);
    // A count that keeps more members than its threshold (pair scope) goes on after an alert; others start over.
    const keep = hit.keep ?? hit.threshold;
    const [count, first, fresh, named, again] = await this.client.rampartCount(
      this.keys.counter(hit.key),
      this.keys.alerted(hit.key),
      hit.at,
      hit.windowMs,
      hit.threshold,
      member,
      keep,
      hit.keep === undefined ? 1 : 0,
      distinct ? 1 : 0,
    );
    const counted: SharedCount = { count: Number(count), firstSeen: Number(first) };
    if (again === 1) counted.alertedElsewhere = true;
    if (distinct) counted.fresh = fresh === 1;
    if (named.length > 0) counted.members = named;
    return counted;
  }

  private memberOf(hit: Hit): string {
    let member = this.members.get(hit);
    if (member === undefined) {
      member = `${hit.at}:${this.instance}:${this.sequence++}`;
      this.members.set(hit, member);
    }
    return member;
  }

  async setBlock(subject: string, block: Block, now: number): Promise<void> {
    const record: BlockRecord = { s: subject, u: block.until, st: block.status, r: block.rule, ...(block.scope ? { sc: block.scope } : {}) };
    await this.client.rampartBlock(
      this.keys.blockUntil,
      this.keys.blockData,
      subject,
      block.until,
      JSON.stringify(record),
      now,
      this.maxBlocks,
      this.keys.blockChannel,
    );
  }

  async resync(): Promise<void> {
    const listener = this.listener;
    if (!listener) return;
    const now = Date.now();
    for (const raw of await this.client.rampartActive(this.keys.blockUntil, this.keys.blockData, now)) {
      const record = raw ? parseBlock(raw) : undefined;
      if (record && record.u > now) listener.block(record.s, blockOf(record));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscriber?.disconnect();
    if (this.connection?.owned) this.connection.client.disconnect();
  }
}

function blockOf(record: BlockRecord): Block {
  return { until: record.u, status: record.st, rule: record.r, ...(record.sc ? { scope: record.sc } : {}) };
}

/** A published block, or undefined for anything else on the channel. */
function parseBlock(raw: string): BlockRecord | undefined {
  try {
    const record = JSON.parse(raw) as Partial<BlockRecord>;
    if (typeof record.s !== "string" || typeof record.u !== "number" || typeof record.r !== "string") return undefined;
    if (record.st !== 403 && record.st !== 429) return undefined;
    if (record.sc !== undefined && !SCOPES.has(record.sc)) return undefined;
    return record as BlockRecord;
  } catch {
    return undefined;
  }
}

/** The configured store, checked first: a malformed option throws here, when the middleware is created. */
export function createStore(option: unknown): DetectStore | undefined {
  const valid = validateStoreOption(option);
  if (!valid) return undefined;
  return "redis" in valid ? new RedisStore(valid) : valid;
}
