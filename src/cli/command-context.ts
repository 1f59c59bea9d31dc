import type { ExitCode } from "../core/exit-code.js";
import type { CliIo } from "./io.js";

/**
 * What every command registrar gets from the program: its own module, so the command files and program.ts
 * (which loads them) do not import each other.
 */
export type Action = () => Promise<ExitCode>;
export interface CommandContext {
  io: CliIo;
  /** Wraps a command body: its exit code becomes the process's, and a thrown error becomes exit 2 with no stack. */
  run(action: Action): Promise<void>;
}
