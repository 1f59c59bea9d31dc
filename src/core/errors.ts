/**
 * Errors a user can fix. The CLI prints `message` (never a stack) and exits 2.
 * Messages say what happened and what to do next.
 */
export class RampartError extends Error {
  readonly code: string;
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(message: string, options: { code?: string; file?: string; line?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RampartError";
    this.code = options.code ?? "RAMPART_ERROR";
    this.file = options.file;
    this.line = options.line;
  }

  /** `file:line: message`, the form editors and CI logs make clickable. */
  describe(): string {
    if (this.file === undefined) return this.message;
    const where = this.line === undefined ? this.file : `${this.file}:${this.line}`;
    return `${where}: ${this.message}`;
  }
}

export class UsageError extends RampartError {
  constructor(message: string) {
    super(message, { code: "RAMPART_USAGE" });
    this.name = "UsageError";
  }
}

export class ConfigError extends RampartError {
  constructor(message: string, where: { file: string; line?: number; cause?: unknown }) {
    super(message, { code: "RAMPART_CONFIG", ...where });
    this.name = "ConfigError";
  }
}

export function describeError(error: unknown): string {
  if (error instanceof RampartError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}
