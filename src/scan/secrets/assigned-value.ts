/**
 * The pattern of a rule written as "a value of this shape assigned to a setting named after the provider"
 * (`names` and `value` in rules/secrets/*.yaml), for tokens with no prefix of their own: a 32-hex TomTom key
 * is found only through the name it is assigned to. One place writes the assignment syntax, so every such
 * rule reads the same contexts: `=`, `:`, Go `:=` and `var x string =`, Make `::=`, `:::=` and `?=`, PHP `.=`,
 * `=>`, `setProperty("X_KEY", "…")`, and an XML element whose text may start on the next line.
 */

/**
 * `tomtom` → `[Tt][Oo][Mm]…`: names match in any case while the value keeps its own (no inline (?i) before V8 12.5).
 * A name written with a capital (`[Ss]umo`, `SUMO`) is matched as written: `sumo` in any case would match
 * inside `sumOfExposures`.
 */
function anyCase(name: string): string {
  if (/[A-Z]/.test(name.replace(/\\./g, ""))) return name;
  let out = "";
  let inClass = false;
  for (let i = 0; i < name.length; i++) {
    const c = name[i] as string;
    if (c === "\\") {
      // An escape (`\w`, `\.`) stays as written.
      out += c + (name[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === "[") inClass = true;
    if (c === "]") inClass = false;
    out += !inClass && /[A-Za-z]/.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c;
  }
  return out;
}

/** Names that are plain words (`tomtom`, `x-api-key`) serve as the rule's keywords as they are. */
export function plainNames(names: readonly string[]): string[] | undefined {
  return names.every((n) => /^[A-Za-z0-9_-]+$/.test(n)) ? names.map((n) => n.toLowerCase()) : undefined;
}

/**
 * The name, up to 30 more name characters (`tomtom_api_key`), an optional closing quote and type
 * (`: string`, ` string`), the operator, an optional opening quote, then the value, not followed by more
 * token characters (`valueEnd`, a class: a base64 key may not run on into `+` or `/`). Every repetition is bounded, so the pattern is linear on any input.
 */
export function assignedValuePattern(names: readonly string[], value: string, ignoreCase = false, valueEnd = "[A-Za-z0-9_-]"): string {
  // A rule matched without case needs no spelled-out classes (and recheck judges the plain names faster).
  const name = `(?:${(ignoreCase ? names : names.map(anyCase)).join("|")})[\\w.-]{0,30}["']{0,2}`;
  const type = `(?:[ \\t]*:[ \\t]*string|[ \\t]+string)?[ \\t]*`;
  const operator = `(?::{1,3}=|=>|[?.+]?=|:|(?<=["'][ \\t]*),[ \\t]*["']|>(?:[ \\t]*\\r?\\n)?)`;
  return `${name}${type}${operator}[ \\t]*["'\`]?(?<secret>${value})(?!${valueEnd})`;
}
