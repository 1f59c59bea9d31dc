import { createInterface } from "node:readline";
import type { CliIo } from "./io.js";

/** True when a person can answer questions: stdin and stderr are terminals and this is not CI. */
export function canAsk(io: CliIo): boolean {
  if (io.stdin?.isTTY !== true || io.stderr.isTTY !== true) return false;
  return io.env.CI === undefined || io.env.CI === "" || io.env.CI === "false";
}

export interface Asker {
  /** Asks on stderr; an empty answer takes the default. */
  ask(question: string, fallback: string): Promise<string>;
  close(): void;
}

/** One readline over stdin for a whole conversation (separate readers would lose buffered answers). */
export function createAsker(io: CliIo): Asker {
  const lines = createInterface({ input: io.stdin!, terminal: false })[Symbol.asyncIterator]();
  return {
    async ask(question, fallback) {
      io.stderr.write(`${question} [${fallback}] `);
      const next = await lines.next();
      const answer = next.done ? "" : String(next.value).trim();
      return answer === "" ? fallback : answer;
    },
    close: () => void lines.return?.(),
  };
}

export function isYes(answer: string): boolean {
  return /^(y|yes)$/i.test(answer.trim());
}
