import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { envScopes } from "../env-scopes.js";
import { isLoopbackHost } from "../secret-names.js";

/** ELZ-024: a character fetched over plain http can be swapped in transit (prompts, plugins, settings). */
export function check(file: FileContext): ScanReport[] {
  return envScopes(file)
    .flatMap((scope) => scope.entries)
    .filter((e) => e.key === "REMOTE_CHARACTER_URLS")
    .flatMap((e) => {
      const insecure = e.value.split(/[,\s]+/).filter((url) => /^http:\/\//i.test(url) && !isLoopbackHost(hostOf(url)));
      if (insecure.length === 0) return [];
      return [
        {
          message: `REMOTE_CHARACTER_URLS loads ${insecure.length === 1 ? "a character" : `${insecure.length} characters`} over plain http: anyone on the path can replace the agent's character`,
          start: e.keyStart,
          end: e.valueEnd,
        },
      ];
    });
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}
