// Other scanners' own rule samples, built at run time from their git checkouts or mirrors, so accuracy is
// measured on material nobody here wrote. Nothing of theirs is committed: `npm run accuracy -- --only=peers`
// reads the folders named by RAMPART_GITLEAKS_DIR, RAMPART_BETTERLEAKS_DIR, RAMPART_KINGFISHER_DIR and
// RAMPART_SECRETLINT_DIR (a checkout or a bare git directory each; any may be missing).
//  - gitleaks / Betterleaks (cmd/generate/config/rules/*.go): each `GenerateSampleSecrets(id, secret)` call
//    gives one secret, drawn at random (seeded) from the regex the call builds, written into the 26 contexts
//    that function uses; `GenerateSampleSecret` gives the single `{id}_api_token = "…"` line; the literal
//    strings of the `tps` and `fps` lists are true positives and negatives as written.
//  - Kingfisher (data/rules/*.yml): each rule's `examples` (true positives) and `negative_examples`.
//  - secretlint (packages/@secretlint/secretlint-rule-*/test/snapshots): `ng.*` inputs are true positives,
//    `ok.*` inputs negatives, each with its own file name.
// A sample that is a bare token is written as `<FAMILY>_API_KEY = "<token>"`, as a reader would meet it.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import RandExp from "randexp";
import { parse as parseYaml } from "yaml";

/** git over a checkout or a bare repository. */
function gitReader(dir) {
  const gitDir = existsSync(join(dir, ".git")) ? join(dir, ".git") : dir;
  const git = (...args) => execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", maxBuffer: 256 << 20 });
  return {
    list: (folder) => git("ls-tree", "-r", "--name-only", "HEAD", folder).split("\n").filter(Boolean),
    show: (path) => git("show", `HEAD:${path}`),
    commit: () => git("rev-parse", "--short", "HEAD").trim(),
  };
}

const bareToken = (text) => !/\s/.test(text.trim()) && !/[=:]/.test(text);
const asAssignment = (family, token) => `${family.toUpperCase().replace(/\W/g, "_")}_API_KEY = "${token}"`;

// ---- gitleaks-style Go generators ----

/** The contexts of gitleaks' GenerateSampleSecrets ({i} identifier, {I} upper-cased, {s} the secret). */
const GO_SAMPLE_CONTEXTS = {
  "ini quoted": '{i}Token="{s}"',
  "ini quoted spaced": '{i}Token = "{s}"',
  "ini bare": "{i}Token={s}",
  "ini bare spaced": "{i}Token = {s}",
  json: '{\n    "{i}_token": "{s}"\n}',
  "json escaped newline": '{"config.ini": "{I}_TOKEN={s}\\nBACKUP_ENABLED=true"}',
  "xml element on its own line": "<{i}Token>\n    {s}\n</{i}Token>",
  "yaml bare": "{i}_token: {s}",
  "yaml single quote": "{i}_token: '{s}'",
  "yaml double quote": '{i}_token: "{s}"',
  "c#": 'string {i}Token = "{s}";',
  "go var": 'var {i}Token string = "{s}"',
  "go :=": '{i}Token := "{s}"',
  "go backticks": "{i}Token := `{s}`",
  java: 'String {i}Token = "{s}";',
  kotlin: 'var {i}Token = "{s}"',
  "php .=": '${i}Token .= "{s}"',
  "python single quote": "{i}Token = '{s}'",
  "python double quote": '{i}Token = "{s}"',
  setProperty: 'System.setProperty("{I}_TOKEN", "{s}")',
  logstash: '  "{i}Token" => "{s}"',
  "make =": '{i}_TOKEN = "{s}"',
  "make :=": '{i}_TOKEN := "{s}"',
  "make ::=": '{i}_TOKEN ::= "{s}"',
  "make :::=": '{i}_TOKEN :::= "{s}"',
  "make ?=": '{i}_TOKEN ?= "{s}"',
};
const fill = (template, id, secret) => template.replaceAll("{i}", id).replaceAll("{I}", id.toUpperCase()).replaceAll("{s}", secret);

/** gitleaks' cmd/generate/config/utils pattern helpers: name → regex for a size. */
const GO_PATTERN_HELPERS = {
  Numeric: (n) => `[0-9]{${n}}`,
  Hex: (n) => `[a-f0-9]{${n}}`,
  AlphaNumeric: (n) => `[a-z0-9]{${n}}`,
  AlphaNumericExtendedShort: (n) => `[a-z0-9_-]{${n}}`,
  AlphaNumericExtended: (n) => `[a-z0-9=_\\-]{${n}}`,
  AlphaNumericExtendedLong: (n) => `[a-z0-9\\/=_\\+\\-]{${n}}`,
  Hex8_4_4_4_12: () => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
};

/** Splits Go source at `separator` outside strings and brackets. */
function splitTopLevel(source, separator) {
  const parts = [];
  let depth = 0;
  let current = "";
  let quote = null;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    current += c;
    if (quote) {
      if (c === "\\" && quote === '"') current += source[++i] ?? "";
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "`") quote = c;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (depth === 0 && c === separator) {
      parts.push(current.slice(0, -1).trim());
      current = "";
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** The arguments of every `name(…)` call in `source`. */
function callArguments(source, name) {
  const calls = [];
  for (let at = source.indexOf(`${name}(`); at !== -1; at = source.indexOf(`${name}(`, at + 1)) {
    const start = at + name.length + 1;
    let depth = 1;
    let quote = null;
    let i = start;
    for (; i < source.length && depth > 0; i++) {
      const c = source[i];
      if (quote) {
        if (c === "\\" && quote === '"') i++;
        else if (c === quote) quote = null;
      } else if (c === '"' || c === "`") quote = c;
      else if (c === "(") depth++;
      else if (c === ")") depth--;
    }
    calls.push(source.slice(start, i - 1));
  }
  return calls;
}

function goStringLiteral(term) {
  if (term.length >= 2 && term.startsWith("`") && term.endsWith("`")) return term.slice(1, -1);
  if (term.length >= 2 && term.startsWith('"') && term.endsWith('"')) return JSON.parse(term.replace(/\\x60/g, "`"));
  return undefined;
}

/** A small seeded generator (mulberry32), so every run draws the same secrets. */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function drawFrom(goRegex, random) {
  const caseless = goRegex.startsWith("(?i)");
  const flags = caseless ? "i" : "";
  const source = (caseless ? goRegex.slice(4) : goRegex)
    .replace(/\(\?i:/g, "(?:")
    .replace(/\\x60/g, "`")
    .replace(/\\z/g, "$")
    .replace(/\[\[:alnum:\]\]/g, "[a-zA-Z0-9]");
  const generator = new RandExp(new RegExp(source, flags));
  generator.max = 24;
  generator.randInt = (from, to) => from + Math.floor(random() * (to - from + 1));
  // Unbounded classes (`.`, `\S`) draw from letters and digits, as real tokens do.
  generator.defaultRange.subtract(32, 126);
  generator.defaultRange.add(48, 57);
  generator.defaultRange.add(65, 90);
  generator.defaultRange.add(97, 122);
  return generator.gen();
}

/** The regex a `secrets.NewSecret(…)` argument builds: literals and pattern helpers joined by `+`. */
function regexOf(expression) {
  return splitTopLevel(expression, "+")
    .map((term) => {
      const literal = goStringLiteral(term);
      if (literal !== undefined) return literal;
      const helper = /^utils\.(\w+)\((?:"(\d+(?:,\d*)?)")?\)$/.exec(term);
      if (helper && GO_PATTERN_HELPERS[helper[1]]) return GO_PATTERN_HELPERS[helper[1]](helper[2]);
      throw new Error(`unsupported term ${term}`);
    })
    .join("");
}

/** The secret a generator call's second argument stands for, drawn at random where it calls NewSecret. */
function secretOf(expression, random) {
  return splitTopLevel(expression, "+")
    .map((term) => {
      const literal = goStringLiteral(term);
      if (literal !== undefined) return literal;
      const secret = /^secrets?\.NewSecret(?:WithEntropy)?\(([\s\S]*)\)$/.exec(term);
      if (secret) return drawFrom(regexOf(splitTopLevel(secret[1], ",")[0]), random);
      return drawFrom(regexOf(term), random);
    })
    .join("");
}

/** Go string literals listed in the `tps`/`fps` slices, each on its own line (not arguments or concatenations). */
function* literalSamples(source) {
  for (const list of source.matchAll(/\b(tps|fps)\s*(?::=|=)\s*(?:append\(\s*\w+\s*,|\[\]string\s*\{)([\s\S]*?)\n\t[})]/g)) {
    for (const literal of list[2].matchAll(/`([^`]*)`|"((?:[^"\\\n]|\\.)*)"/g)) {
      const before = list[2].slice(0, literal.index);
      const after = list[2].slice(literal.index + literal[0].length);
      if (!/(?:^|\n|\{)\s*$/.test(before) || /^\s*\+/.test(after)) continue;
      let text;
      try {
        text = literal[1] ?? JSON.parse(`"${literal[2]}"`);
      } catch {
        continue;
      }
      if (text.length >= 8) yield { kind: list[1] === "tps" ? "tp" : "fp", text };
    }
  }
}

function goRuleSamples(source, dir) {
  const repo = gitReader(dir);
  const random = seededRandom(20261206);
  const samples = [];
  let unsupported = 0;
  const files = repo.list("cmd/generate/config/rules/").filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"));
  for (const file of files) {
    const text = repo.show(file);
    const family = file.split("/").pop().replace(/\.go$/, "");
    for (const [call, contexts] of [
      ["utils.GenerateSampleSecrets", GO_SAMPLE_CONTEXTS],
      ["utils.GenerateSampleSecret", { single: '{i}_api_token = "{s}"' }],
    ]) {
      for (const args of callArguments(text, call)) {
        const [idTerm, ...rest] = splitTopLevel(args, ",");
        const id = goStringLiteral(idTerm ?? "");
        let secret;
        try {
          secret = id === undefined ? undefined : secretOf(rest.join(","), random);
        } catch {
          secret = undefined;
        }
        if (secret === undefined) {
          unsupported++;
          continue;
        }
        for (const [context, template] of Object.entries(contexts))
          samples.push({ source: `${source} generated`, family, kind: "tp", context, text: fill(template, id, secret) });
      }
    }
    for (const { kind, text: sample } of literalSamples(text))
      samples.push({ source: `${source} literal`, family, kind, context: "literal", text: bareToken(sample) ? asAssignment(family, sample) : sample });
  }
  return { samples, unsupported, commit: repo.commit() };
}

function kingfisherSamples(dir) {
  const repo = gitReader(dir);
  const samples = [];
  for (const file of repo.list("data/rules/").filter((f) => /\.ya?ml$/.test(f))) {
    let document;
    try {
      document = parseYaml(repo.show(file));
    } catch {
      continue;
    }
    const family = file
      .split("/")
      .pop()
      .replace(/\.ya?ml$/, "");
    for (const rule of document?.rules ?? []) {
      for (const [field, kind] of [
        ["examples", "tp"],
        ["negative_examples", "fp"],
      ]) {
        for (const example of rule[field] ?? []) {
          if (typeof example !== "string") continue;
          const text = example.replace(/\n$/, "");
          samples.push({ source: "kingfisher", family, kind, context: rule.id, text: bareToken(text) ? asAssignment(family, text) : text });
        }
      }
    }
  }
  return { samples, unsupported: 0, commit: repo.commit() };
}

/** secretlint rules that judge files by name or need a config, not by content: not secret samples. */
const SECRETLINT_NOT_SAMPLES = /no-dotenv|no-homedir|filter-comments|internal-test|rule-pattern|rule-example|preset/;

function secretlintSamples(dir) {
  const repo = gitReader(dir);
  const samples = [];
  for (const file of repo.list("packages/@secretlint/")) {
    const m = /secretlint-rule-([^/]+)\/test\/snapshots\/(ok|ng)\.[^/]+\/(input[^/]*)$/.exec(file);
    if (!m || SECRETLINT_NOT_SAMPLES.test(file)) continue;
    samples.push({ source: "secretlint", family: m[1], kind: m[2] === "ng" ? "tp" : "fp", context: "fixture", fileName: m[3], text: repo.show(file) });
  }
  return { samples, unsupported: 0, commit: repo.commit() };
}

/** Every peer's samples whose folder is given and present; `sources` says what was read, at which commit. */
export function peerSamples(env = process.env) {
  const readers = [
    ["gitleaks", env.RAMPART_GITLEAKS_DIR, (dir) => goRuleSamples("gitleaks", dir)],
    ["betterleaks", env.RAMPART_BETTERLEAKS_DIR, (dir) => goRuleSamples("betterleaks", dir)],
    ["kingfisher", env.RAMPART_KINGFISHER_DIR, kingfisherSamples],
    ["secretlint", env.RAMPART_SECRETLINT_DIR, secretlintSamples],
  ];
  const samples = [];
  const sources = [];
  for (const [name, dir, read] of readers) {
    if (!dir || !existsSync(dir)) continue;
    const result = read(dir);
    samples.push(...result.samples);
    sources.push({ name, commit: result.commit, unsupported: result.unsupported });
  }
  return { samples, sources };
}
