/**
 * Text from a scanned repository (file names, matched text, commit authors) made safe to print: control
 * characters (ANSI and OSC escape sequences, newlines that would forge extra report lines, carriage returns
 * that overwrite one) and bidirectional overrides become visible `\xNN` / `\u{NNNN}` escapes.
 */
export function terminalSafe(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeChar) : text;
}

// C0 controls (but tab), DEL, C1 controls, and the Unicode bidi embedding/override/isolate characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matches the control characters that must not reach a terminal raw
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, "g");

function escapeChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code === 0x0a) return "\\n";
  if (code === 0x0d) return "\\r";
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
}
