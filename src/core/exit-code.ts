/** The CLI contract shared by every command: 0 clean, 1 findings at or above the gate, 2 could not run. */
export const ExitCode = {
  clean: 0,
  findings: 1,
  error: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
