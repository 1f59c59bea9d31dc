import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";

/** `"secrets": {` / `secrets: {` in JSON or TS. */
const SECRETS_OPEN = /["']?secrets["']?\s*:\s*\{/g;
/** A key and a quoted value of 8+ characters; starts only at a key's first character, so each is tried once. */
const PAIR = /(?<![\w"'])["']?[A-Za-z0-9_]+["']?\s*:\s*["']([^"'\s]{8,})["']/g;

/**
 * Any value in a character's `settings.secrets` map: characters are shared and published. The map runs from
 * its `{` to the next brace; each region is found once and searched once, so the check is linear in the file
 * (a lookbehind over the whole map from every position, as the regex rule had, took 19 s on 256 KB).
 */
export function check(file: FileContext): ScanReport[] {
  const reports: ScanReport[] = [];
  const text = file.text;
  let scannedTo = 0;
  for (const open of text.matchAll(SECRETS_OPEN)) {
    const from = open.index + open[0].length;
    if (from < scannedTo) continue;
    const end = nextBrace(text, from);
    scannedTo = end;
    const region = text.slice(from, end);
    for (const pair of region.matchAll(PAIR)) {
      const value = pair[1] ?? "";
      const start = from + pair.index + pair[0].length - 1 - value.length;
      reports.push({ message: "Secret in an elizaOS character file (settings.secrets)", start, end: start + value.length, secret: value });
    }
  }
  return reports;
}

function nextBrace(text: string, from: number): number {
  const open = text.indexOf("{", from);
  const close = text.indexOf("}", from);
  const ends = [open, close].filter((i) => i !== -1);
  return ends.length > 0 ? Math.min(...ends) : text.length;
}
