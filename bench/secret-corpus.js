// The generated secret corpus: every secret rule's own examples, with the token taken out and put back in
// the syntactic contexts secrets are written in (env files, YAML, TOML, JSON, HCL, shell, Go, Make, PHP,
// Java, XML, HTTP headers, CLI flags, code). Used by test/scan/secrets/corpus-contexts.test.ts (asserts) and
// bench/secret-accuracy.js (measures recall and precision per rule family). Plain JS so the bench runs it too.

/** Names in code and markup must be identifiers: `datasource.credentials` becomes `datasource_credentials`. */
const ident = (name) => name.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(\d)/, "_$1");
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*$/;

/**
 * Each context renders `name` and `value` into a file's text; `line` is the 1-based line holding the value.
 * `named: false` contexts carry no setting name (a header, a CLI flag): only tokens that identify themselves,
 * or generic rules' values, go there. `quote` is the quote the value sits in, which it must not contain.
 */
export const CONTEXTS = [
  { id: "env =", file: "app.env", render: (n, v) => `${n}=${v}` },
  { id: "env = quoted", file: "app.env", quote: '"', render: (n, v) => `${n}="${v}"` },
  { id: "yaml :", file: "config.yaml", render: (n, v) => `${n}: ${v}` },
  { id: "yaml : quoted", file: "config.yaml", quote: '"', render: (n, v) => `${n}: "${v}"` },
  { id: "yaml nested", file: "values.yaml", render: (n, v) => `service:\n  ${n}: ${v}`, line: 2 },
  { id: "compose environment list", file: "docker-compose.yml", render: (n, v) => `services:\n  app:\n    environment:\n      - ${n}=${v}`, line: 4 },
  { id: "toml", file: "settings.toml", quote: '"', render: (n, v) => `[app]\n${ident(n)} = "${v}"`, line: 2 },
  { id: "json", file: "config.json", quote: '"', render: (n, v) => `{\n  "${n}": "${v}"\n}`, line: 2 },
  { id: "hcl", file: "main.tf", quote: '"', render: (n, v) => `resource "x" "y" {\n  ${ident(n)} = "${v}"\n}`, line: 2 },
  { id: "shell export", file: "deploy.sh", render: (n, v) => `export ${ident(n)}=${v}` },
  { id: "shell export quoted", file: "deploy.sh", quote: "'", render: (n, v) => `export ${ident(n)}='${v}'` },
  { id: "go :=", file: "main.go", quote: '"', render: (n, v) => `package main\n\nfunc main() {\n\t${ident(n)} := "${v}"\n}`, line: 4 },
  { id: "go var string =", file: "config.go", quote: '"', render: (n, v) => `package main\n\nvar ${ident(n)} string = "${v}"`, line: 3 },
  { id: "make :=", file: "Makefile", render: (n, v) => `${ident(n)} := ${v}` },
  { id: "make ?=", file: "Makefile", render: (n, v) => `${ident(n)} ?= ${v}` },
  { id: "make ::=", file: "Makefile", quote: '"', render: (n, v) => `${ident(n)} ::= "${v}"` },
  { id: "make :::=", file: "GNUmakefile", quote: '"', render: (n, v) => `${ident(n)} :::= "${v}"` },
  { id: "go backticks", file: "token.go", quote: "`", render: (n, v) => `package main\n\nfunc main() {\n\t${ident(n)} := \`${v}\`\n}`, line: 4 },
  { id: "json escaped newline", file: "bundle.json", quote: '"', render: (n, v) => `{"config.ini": "${ident(n)}=${v}\\nBACKUP_ENABLED=true"}` },
  { id: "php .=", file: "config.php", quote: "'", render: (n, v) => `<?php\n$${ident(n)} .= '${v}';`, line: 2 },
  { id: "php =>", file: "settings.php", quote: "'", render: (n, v) => `<?php\nreturn ['${n}' => '${v}'];`, line: 2 },
  { id: "java setProperty", file: "Main.java", quote: '"', render: (n, v) => `class Main {\n  static { System.setProperty("${n}", "${v}"); }\n}`, line: 2 },
  { id: "xml element", file: "config.xml", quote: "<", render: (n, v) => `<config>\n  <${ident(n)}>${v}</${ident(n)}>\n</config>`, line: 2 },
  {
    id: "xml element on its own line",
    file: "settings.xml",
    quote: "<",
    render: (n, v) => `<settings>\n  <${ident(n)}>\n    ${v}\n  </${ident(n)}>\n</settings>`,
    line: 3,
  },
  { id: "ts const", file: "src/config.ts", quote: '"', render: (n, v) => `export const ${ident(n)} = "${v}";` },
  { id: "ts object property", file: "src/client.ts", quote: "'", render: (n, v) => `const client = new Client({ ${ident(n)}: '${v}' });` },
  { id: "python", file: "settings.py", quote: '"', render: (n, v) => `${ident(n)} = "${v}"` },
  { id: "authorization bearer", file: "api.http", named: false, token68: true, render: (_n, v) => `GET /v1/me\nAuthorization: Bearer ${v}`, line: 2 },
  { id: "curl -H X-Api-Key", file: "call.sh", named: false, token68: true, quote: '"', render: (_n, v) => `curl -H "X-Api-Key: ${v}" https://api.internal/v1` },
  { id: "cli --password", file: "run.sh", named: false, render: (_n, v) => `mysql --user admin --password ${v} --host db` },
  {
    id: "cli --requirepass",
    file: "docker-compose.yaml",
    named: false,
    render: (_n, v) => `services:\n  cache:\n    command: redis-server --requirepass ${v}`,
    line: 3,
  },
];

const NAME_BEFORE_VALUE = /([A-Za-z_$][\w.$-]*)["'\]]{0,2}[ \t]*(?::=|\?=|\.=|\+=|=>|[:=])[ \t]*["'`]?$/;

function asExample(raw) {
  return typeof raw === "string" ? { text: raw } : raw;
}

/** The run of non-blank, non-quote characters around [start, end). */
function carrierOf(text, start, end) {
  const inside = (ch) => ch !== undefined && !/[\s"'`<>]/.test(ch);
  while (inside(text[start - 1])) start--;
  while (inside(text[end])) end++;
  return [start, end];
}

/** The setting name written just before `start` on its line, if any. */
function nameBefore(text, start) {
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  return NAME_BEFORE_VALUE.exec(text.slice(lineStart, start))?.[1];
}

/**
 * The cases to place: for each rule's positive examples, the secret its own rule finds and the name it was
 * assigned to; for single-line negatives, the assigned value and name. Secrets with blanks or line breaks (PEM
 * blocks, seed phrases) and tokens of structure-bound rules keep their own structure and are left out
 * (counted in `skipped`).
 */
export function corpusCases(entries, rules) {
  const positives = [];
  const negatives = [];
  let skipped = 0;
  entries.forEach(({ entry }, i) => {
    const rule = rules[i];
    const generic = entry.generic === true;
    for (const example of (entry.examples?.positive ?? []).map(asExample)) {
      if (example.severity !== undefined) continue; // demoted on purpose (a failed checksum): not a live secret
      const report = rule.check({ path: example.file ?? "example.txt", text: example.text })[0];
      const value = report?.secret ?? (report ? example.text.slice(report.start, report.end) : undefined);
      if (!report || value === undefined || /[\s\\]/.test(value)) {
        skipped++;
        continue;
      }
      // A secret that is part of something larger (a webhook URL's token, a URL's password) goes in whole.
      // A setting name and `=` before the value (`MY_SERVICE_API_KEY=…`) is the assignment, not a carrier.
      const [carrierFrom, to] = carrierOf(example.text, report.start, report.end);
      const from = /^[A-Za-z_][\w.-]*=$/.test(example.text.slice(carrierFrom, report.start)) ? report.start : carrierFrom;
      const carrier = example.text.slice(from, to);
      const whole = carrier !== value && rule.check({ path: "token.txt", text: ` ${value} ` }).length === 0 ? carrier : value;
      // Self-identifying: the rule finds the bare token, and it opens with a provider prefix (`ghp_`, `xoxb-`).
      // A bare base58 key is found bare too, but nobody sends one as a Bearer token.
      const selfContained = /^[A-Za-z0-9]{2,12}[_.:-]/.test(whole) && rule.check({ path: "token.txt", text: ` ${whole} ` }).length > 0;
      const name = nameBefore(example.text, whole === value ? report.start : from) ?? "API_TOKEN";
      // Rules bound to a structure (a Kubernetes manifest, a Docker config, a constructor call, an XML
      // attribute pair) or to a kind of file (a Solana keypair .json) are about that, not an assignment:
      // their tokens are not moved around.
      const fileBound = entry.files !== undefined && !entry.files.includes("**");
      if (fileBound || (!selfContained && rule.check({ path: "app.env", text: `${name}=${whole}\n` }).length === 0)) {
        skipped++;
        continue;
      }
      const offset = whole === value ? 0 : report.start - from;
      positives.push({ rule: entry.id, family: entry.family, generic, name, value: whole, secretOffset: offset, secretLength: value.length, selfContained });
    }
    for (const example of (entry.examples?.negative ?? []).map(asExample)) {
      if (example.text.trim().includes("\n")) continue;
      const m = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*(?:=|:)[ \t]*(.+?)[ \t]*$/.exec(example.text.trim());
      if (!m) continue;
      const value = m[2].replace(/^(["'])(.*)\1$/, "$2");
      if (value.length === 0 || /\s/.test(value)) continue;
      negatives.push({ rule: entry.id, family: entry.family, generic, name: m[1], value });
    }
  });
  return { positives, negatives, skipped };
}

/** The contexts a case goes into: named ones always; nameless ones for self-identifying tokens and generic values. */
export function contextsFor(c, negative = false) {
  return CONTEXTS.filter((ctx) => {
    if (ctx.quote && c.value.includes(ctx.quote)) return false;
    if (ctx.quote === "<" && /[&>]/.test(c.value)) return false;
    if (ctx.token68 && !TOKEN68.test(c.value)) return false;
    if (ctx.named === false) return !negative && (c.selfContained || c.generic);
    return true;
  });
}

/**
 * Lays every (case, context) out as files, at most `perFile` placements each, separated by blank lines;
 * `pick(fits, index)` narrows the contexts a case goes into (the test's rotation).
 * Returns the files and, for every placement, where its value is (file, line, column 1-based).
 */
export function layOut(cases, { negative = false, perFile = 40, pick } = {}) {
  const files = new Map();
  const placements = [];
  const counters = new Map();
  for (const [i, c] of cases.entries()) {
    const fits = contextsFor(c, negative);
    for (const ctx of pick ? pick(fits, i) : fits) {
      const n = counters.get(ctx.id) ?? 0;
      counters.set(ctx.id, n + 1);
      const dir = `${negative ? "neg" : "pos"}/${ctx.id.replace(/[^a-z0-9]+/gi, "-")}-${Math.floor(n / perFile)}`;
      const path = `${dir}/${ctx.file}`;
      const lines = files.get(path) ?? [];
      const block = ctx.render(c.name, c.value).split("\n");
      const valueLine = lines.length + (ctx.line ?? 1);
      const column = block[(ctx.line ?? 1) - 1].indexOf(c.value) + 1 + (c.secretOffset ?? 0);
      lines.push(...block, "");
      files.set(path, lines);
      placements.push({ case: c, context: ctx.id, path, line: valueLine, column, endColumn: column + (c.secretLength ?? c.value.length) });
    }
  }
  return { files: new Map([...files].map(([p, l]) => [p, `${l.join("\n")}\n`])), placements };
}

/**
 * Whether the scan found a positive placement: its own rule on the line, or a rule as specific with exactly
 * the secret's span (a provider rule may be named for the same token; any rule stands in for a generic one).
 */
export function foundBy(placement, findings) {
  const onLine = findings.filter((f) => f.path === placement.path && f.line === placement.line);
  if (onLine.some((f) => f.ruleId === placement.case.rule)) return true;
  const sameSpan = onLine.filter((f) => f.column === placement.column && (f.endColumn === undefined || f.endColumn === placement.endColumn));
  return sameSpan.some((f) => placement.case.generic || !f.tags?.includes("generic"));
}

/** Whether the negative placement's own rule fired on its line. */
export function flaggedBy(placement, findings) {
  return findings.some((f) => f.path === placement.path && f.line === placement.line && f.ruleId === placement.case.rule);
}
