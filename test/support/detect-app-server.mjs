// A real Express app with `rampart/express` (the built dist/), run in its own process by tests that must be
// able to observe it stalling: if the app's event loop blocks, the test's own timers keep running.
// Options come as JSON in argv[2]: { trustProxy, mode }. It reports { port } over IPC, then serves until killed.
// GET /ok answers 200; GET /probe answers 404; every other path is Express's 404. Alerts are sent to the parent.
import express from "express";
import { pino } from "pino";
import { suspiciousAccess } from "../../dist/detect/express.js";

const options = JSON.parse(process.argv[2] ?? "{}");
const app = express();
app.use(
  suspiciousAccess({
    ...options,
    logger: pino({ level: "silent" }),
    onAlert: (alert) => process.send?.({ alert }),
  }),
);
app.get("/ok", (_req, res) => {
  res.json({ ok: true });
});
const server = app.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }));
