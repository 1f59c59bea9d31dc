/** How a report is rendered; its own module so the formatters and format.ts do not import each other. */
export interface FormatOptions {
  /** ANSI colour; only the text format uses it. */
  color: boolean;
  /** Text format: list only findings at or above the gate (the summary still counts every finding). */
  onlyFailing?: boolean;
}
