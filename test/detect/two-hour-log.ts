import type { AccessEvent } from "../../src/detect/event.js";

/** Deterministic PRNG (mulberry32) so the generated log is the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Expected {
  rule: string;
  subject: { ip?: string; principal?: string };
}

export interface TwoHourLog {
  events: AccessEvent[];
  attacks: Expected[];
  benignIps: Set<string>;
  benignPrincipals: Set<string>;
}

const START = Date.parse("2026-03-02T09:00:00Z");
const HOUR = 3_600_000;
const BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15";

/**
 * Two hours of a three-workspace agent server: offices behind NAT with dozens of healthy keys, an uptime
 * monitor, a roaming user, typo-prone users, admins, a heavy steady integration, an IPv6 mobile user,
 * and twelve attacks mixed in at known times.
 */
export function twoHourLog(seed = 7): TwoHourLog {
  const rnd = prng(seed);
  const events: AccessEvent[] = [];
  const benignIps = new Set<string>();
  const benignPrincipals = new Set<string>();
  const push = (at: number, e: Omit<AccessEvent, "time">) => events.push({ ...e, time: new Date(START + at).toISOString() });

  const tenants = [
    { id: "acme", nat: "198.51.100.10", keys: 30 },
    { id: "globex", nat: "198.51.100.20", keys: 24 },
    { id: "initech", nat: "192.0.2.30", keys: 18 },
  ];
  for (const t of tenants) {
    benignIps.add(t.nat);
    for (let k = 0; k < t.keys; k++) {
      const principal = `key:${t.id}-k${k}`;
      benignPrincipals.add(principal);
      for (let at = rnd() * 60_000; at < 2 * HOUR; at += 20_000 + rnd() * 60_000) {
        const path = rnd() < 0.6 ? `/api/workspaces/${t.id}/agents/a${Math.floor(rnd() * 50)}` : `/api/workspaces/${t.id}/messages`;
        push(at, {
          ip: t.nat,
          method: rnd() < 0.7 ? "GET" : "POST",
          path,
          status: 200,
          principal,
          tenant: t.id,
          auth: "ok",
          userAgent: "elizaos-client/1.4.0 node/22",
          durationMs: 20 + Math.floor(rnd() * 200),
        });
      }
      // Now and then a user mistypes their key a few times.
      if (k % 7 === 0) {
        const at = rnd() * 1.8 * HOUR;
        for (let i = 0; i < 3; i++)
          push(at + i * 9000, {
            ip: t.nat,
            method: "GET",
            path: `/api/workspaces/${t.id}/agents`,
            status: 401,
            principal,
            tenant: t.id,
            auth: "invalid",
            userAgent: BROWSER,
          });
        push(at + 30_000, {
          ip: t.nat,
          method: "GET",
          path: `/api/workspaces/${t.id}/agents`,
          status: 200,
          principal,
          tenant: t.id,
          auth: "ok",
          userAgent: BROWSER,
        });
      }
    }
    // An admin doing admin work.
    const admin = `user:${t.id}-admin`;
    benignPrincipals.add(admin);
    for (let i = 0; i < 60; i++)
      push(HOUR * 0.5 + i * 40_000, {
        ip: t.nat,
        method: i % 3 ? "GET" : "POST",
        path: `/api/admin/keys/k${i}`,
        status: 200,
        principal: admin,
        tenant: t.id,
        auth: "ok",
        userAgent: BROWSER,
      });
    // A stale bookmark or two.
    push(HOUR * 1.2, { ip: t.nat, method: "GET", path: "/agents/old-dashboard", status: 404, userAgent: BROWSER });
    push(HOUR * 1.2 + 4000, { ip: t.nat, method: "GET", path: "/docs/v1/intro", status: 404, userAgent: BROWSER });
  }

  // Uptime monitor.
  benignIps.add("203.0.113.200");
  for (let at = 0; at < 2 * HOUR; at += 30_000)
    push(at, { ip: "203.0.113.200", method: "GET", path: "/health", status: 200, userAgent: "UptimeRobot/2.0; http://www.uptimerobot.com/" });

  // A roaming user on three addresses.
  const roaming = ["203.0.113.50", "198.18.0.77", "2001:db8:77::5"];
  benignPrincipals.add("user:carol");
  for (const ip of roaming) benignIps.add(ip);
  for (let at = 0; at < 2 * HOUR; at += 45_000) {
    push(at, {
      ip: roaming[Math.floor(at / (40 * 60_000))]!,
      method: "GET",
      path: "/api/workspaces/acme/agents",
      status: 200,
      principal: "user:carol",
      tenant: "acme",
      auth: "ok",
      userAgent: BROWSER,
    });
  }

  // IPv6 mobile user hopping inside one /64.
  benignPrincipals.add("user:dan");
  for (let at = 0, i = 1; at < 2 * HOUR; at += 60_000, i++) {
    const ip = `2001:db8:5:6::${(i % 200).toString(16)}`;
    benignIps.add(ip);
    push(at, {
      ip,
      method: "GET",
      path: "/api/workspaces/globex/agents",
      status: 200,
      principal: "user:dan",
      tenant: "globex",
      auth: "ok",
      userAgent: "elizaos-mobile/2.1",
    });
  }

  // A heavy, steady integration (about 100 a minute) and a token that expires once and is refreshed.
  benignIps.add("192.0.2.99");
  benignPrincipals.add("key:acme-sync");
  for (let at = 0; at < 2 * HOUR; at += 500 + rnd() * 200)
    push(at, {
      ip: "192.0.2.99",
      method: "POST",
      path: "/api/workspaces/acme/memories",
      status: 200,
      principal: "key:acme-sync",
      tenant: "acme",
      auth: "ok",
      userAgent: "acme-sync/3.0",
    });
  push(HOUR, {
    ip: "192.0.2.99",
    method: "GET",
    path: "/api/workspaces/acme/agents",
    status: 401,
    principal: "key:acme-sync",
    tenant: "acme",
    auth: "expired",
  });

  // ---- attacks ----
  const attacks: Expected[] = [];
  const attack = (rule: string, subject: Expected["subject"]) => attacks.push({ rule, subject });

  for (let i = 0; i < 30; i++)
    push(10 * 60_000 + i * 3000, { ip: "45.0.0.1", method: "GET", path: "/api/agents", status: 401, auth: "invalid", userAgent: "python-httpx/0.27" });
  attack("brute-force", { ip: "45.0.0.1" });

  for (let i = 0; i < 8; i++)
    push(20 * 60_000 + i * 20_000, {
      ip: "45.0.0.2",
      method: "POST",
      path: "/api/messages",
      status: 401,
      auth: "invalid",
      principal: `key:leak-${i}`,
      userAgent: BROWSER,
    });
  attack("credential-stuffing", { ip: "45.0.0.2" });

  for (let i = 0; i < 10; i++)
    push(30 * 60_000 + i * 40_000, {
      ip: `100.${64 + i}.3.9`,
      method: "GET",
      path: "/api/agents",
      status: 401,
      auth: "invalid",
      principal: "key:acme-owner",
      tenant: "acme",
      userAgent: BROWSER,
    });
  attack("distributed-guessing", { principal: "key:acme-owner" });

  for (let i = 0; i < 9; i++)
    push(40 * 60_000 + i * 150_000, {
      ip: `100.${80 + i}.7.1`,
      method: "GET",
      path: "/api/workspaces/initech/agents",
      status: 200,
      auth: "ok",
      principal: "key:initech-leaked",
      tenant: "initech",
      userAgent: "python-requests/2.32",
    });
  attack("token-sharing", { principal: "key:initech-leaked" });

  for (let i = 0; i < 30; i++)
    push(50 * 60_000 + i * 200, {
      ip: "45.0.0.5",
      method: "GET",
      path: `/${["admin", "backup", "old", "test", "wp-login.php", "phpmyadmin"][i % 6]}/${i}`,
      status: 404,
      userAgent: BROWSER,
    });
  attack("path-scan", { ip: "45.0.0.5" });
  push(52 * 60_000, { ip: "45.0.0.55", method: "GET", path: "/.env", status: 404, userAgent: "Go-http-client/1.1" });
  attack("path-scan", { ip: "45.0.0.55" });

  push(55 * 60_000, { ip: "45.0.0.6", method: "GET", path: "/", status: 200, userAgent: "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:map_codes)" });
  attack("attack-tool", { ip: "45.0.0.6" });

  push(60 * 60_000, { ip: "45.0.0.7", method: "GET", path: "/api/search?q=1%27%20OR%20%271%27%3D%271", status: 400, userAgent: BROWSER });
  attack("injection-probe", { ip: "45.0.0.7" });

  for (let i = 0; i < 5; i++)
    push(65 * 60_000 + i * 10_000, {
      ip: "198.51.100.10",
      method: "GET",
      path: `/api/workspaces/globex/agents/a${i}`,
      status: 403,
      auth: "forbidden",
      principal: "key:acme-intruder",
      tenant: "acme",
      userAgent: BROWSER,
    });
  attack("cross-tenant", { principal: "key:acme-intruder" });

  for (const path of ["/api/admin/users", "/api/admin/keys", "/api/admin/billing", "/api/admin/audit"])
    push(70 * 60_000 + (events.length % 1000), {
      ip: "198.51.100.20",
      method: "GET",
      path,
      status: 403,
      auth: "forbidden",
      principal: "key:globex-intern",
      tenant: "globex",
      userAgent: BROWSER,
    });
  attack("privilege-probe", { principal: "key:globex-intern" });

  push(75 * 60_000, {
    ip: "45.0.0.10",
    method: "GET",
    path: "/api/agents",
    status: 401,
    auth: "revoked",
    principal: "key:old-revoked",
    userAgent: "curl/8.5.0",
  });
  attack("revoked-credential", { principal: "key:old-revoked" });

  // The same bot call, first at its steady rate and then in a burst.
  const initechBotRun = {
    ip: "192.0.2.31",
    method: "POST",
    path: "/api/workspaces/initech/runs",
    status: 200,
    auth: "ok",
    principal: "key:initech-bot",
    tenant: "initech",
    userAgent: "initech-bot/1.0",
  } as const;
  for (let at = 0; at < 100 * 60_000; at += 6000) push(at, initechBotRun);
  for (let i = 0; i < 400; i++) push(100 * 60_000 + i * 140, initechBotRun);
  attack("volume-spike", { principal: "key:initech-bot" });

  for (let i = 0; i < 15; i++)
    push(80 * 60_000 + i * 5000, {
      ip: `2001:db8:bad:1::${(i + 1).toString(16)}`,
      method: "GET",
      path: "/api/agents",
      status: 401,
      auth: "invalid",
      userAgent: BROWSER,
    });
  attack("brute-force", { ip: "2001:db8:bad:1::" });

  return { events, attacks, benignIps, benignPrincipals };
}
