// Runs `rampart/express` (the built dist/) in a fresh process and reports when the secret scanner's rule set is
// loaded: not at import nor when the middleware is created, but on the first report. A revoked credential whose
// principal is argv[2] raises one alert at once; the records the logger received are printed as JSON.
import { registerHooks } from "node:module";
import { Writable } from "node:stream";

const loaded = [];
registerHooks({
  load(url, context, next) {
    loaded.push(url);
    return next(url, context);
  },
});
const scannerLoaded = () => loaded.some((url) => url.endsWith("/dist/scan/redact-text.js"));

const { pino } = await import("pino");
const { suspiciousAccess } = await import("../../dist/detect/express.js");
const records = [];
const stream = new Writable({
  write(chunk, _encoding, done) {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) records.push(JSON.parse(line));
    done();
  },
});
const middleware = suspiciousAccess({ logger: pino({ level: "info" }, stream) });
// A turn of the event loop: an import started in the background would have begun loading by now.
await new Promise((resolve) => setTimeout(resolve, 50));
const atStart = scannerLoaded();
middleware.guard.record({
  time: new Date().toISOString(),
  ip: "203.0.113.7",
  method: "GET",
  path: "/api/agents",
  status: 401,
  auth: "revoked",
  principal: process.argv[2],
});
const writtenAtOnce = records.length;
await middleware.guard.idle();
const afterReport = scannerLoaded();
await middleware.close();
process.stdout.write(JSON.stringify({ atStart, writtenAtOnce, afterReport, records }));
