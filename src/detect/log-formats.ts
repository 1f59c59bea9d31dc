import { type AccessEvent, isAccessEvent, normalizeIp } from "./event.js";
import { boundedEvent } from "./field-bounds.js";

/** Parses one log line of any supported format; undefined when it is none of them. Long fields are cut (field-bounds.ts). */
export function parseLogLine(line: string): AccessEvent | undefined {
  const text = line.trim();
  if (!text) return undefined;
  const event = text.startsWith("{") ? parseJsonLine(text) : parseCombined(text);
  return event && boundedEvent(event);
}

function parseJsonLine(text: string): AccessEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (isAccessEvent(value)) return value;
  return fromPinoHttp(value);
}

interface PinoHttpRecord {
  time?: number | string;
  req?: { method?: string; url?: string; remoteAddress?: string; headers?: Record<string, string> };
  res?: { statusCode?: number };
  responseTime?: number;
  rampart?: { principal?: string; tenant?: string; auth?: AccessEvent["auth"] };
}

/** pino-http's `request completed` records: `time` (epoch ms), `req`, `res.statusCode`, `responseTime`. */
function fromPinoHttp(value: unknown): AccessEvent | undefined {
  const r = value as PinoHttpRecord;
  if (!r || typeof r !== "object" || !r.req || !r.res || typeof r.res.statusCode !== "number") return undefined;
  const time = typeof r.time === "number" ? new Date(r.time) : new Date(String(r.time));
  if (Number.isNaN(time.getTime()) || !r.req.url || !r.req.method) return undefined;
  const ip = normalizeIp(r.req.remoteAddress) || r.req.remoteAddress || "unknown";
  const event: AccessEvent = { time: time.toISOString(), ip, method: r.req.method, path: r.req.url, status: r.res.statusCode };
  const ua = r.req.headers?.["user-agent"];
  if (ua) event.userAgent = ua;
  if (typeof r.responseTime === "number") event.durationMs = r.responseTime;
  if (r.rampart?.principal) event.principal = r.rampart.principal;
  if (r.rampart?.tenant) event.tenant = r.rampart.tenant;
  if (r.rampart?.auth) event.auth = r.rampart.auth;
  if (event.auth === undefined && event.status === 401) event.auth = "invalid";
  return event;
}

// ip ident user [day/Mon/year:hh:mm:ss zone] "METHOD target PROTO" status bytes "referer" "ua"
const COMBINED = /^(\S+) \S+ (\S+) \[([^\]]+)\] "(\S+) (\S+)(?: [^"]*)?" (\d{3}) (?:\d+|-)(?: "(?:[^"\\]|\\.)*" "((?:[^"\\]|\\.)*)")?/;
const MONTHS: Record<string, string> = {
  Jan: "01",
  Feb: "02",
  Mar: "03",
  Apr: "04",
  May: "05",
  Jun: "06",
  Jul: "07",
  Aug: "08",
  Sep: "09",
  Oct: "10",
  Nov: "11",
  Dec: "12",
};

/** nginx and Apache `combined` (and `common`) access log lines. */
function parseCombined(text: string): AccessEvent | undefined {
  const m = COMBINED.exec(text);
  if (!m) return undefined;
  const time = parseClfTime(m[3]!);
  if (!time) return undefined;
  const event: AccessEvent = { time, ip: normalizeIp(m[1]) || m[1]!, method: m[4]!, path: m[5]!, status: Number(m[6]) };
  if (m[2] && m[2] !== "-") event.principal = `user:${m[2]}`;
  if (m[7] && m[7] !== "-") event.userAgent = m[7].replace(/\\"/g, '"');
  if (event.status === 401) event.auth = "invalid";
  return event;
}

/** `10/Oct/2000:13:55:36 -0700` → ISO 8601. */
function parseClfTime(text: string): string | undefined {
  const m = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!m || !MONTHS[m[2]!]) return undefined;
  const iso = `${m[3]}-${MONTHS[m[2]!]}-${m[1]}T${m[4]}:${m[5]}:${m[6]}${m[7]}${m[8]}:${m[9]}`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
