import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { envScopes } from "../env-scopes.js";
import { isSelfChosenSecretName, nameWords } from "../secret-names.js";
import { weaknessOf } from "../secret-values.js";

/** ELZ-003/008/009/010: auth tokens, JWT secrets and salts an operator chose badly. */
export function check(file: FileContext): ScanReport[] {
  return envScopes(file)
    .filter((scope) => scope.kind !== "dockerfile")
    .flatMap((scope) => scope.entries)
    .flatMap((e) => {
      if (!isSelfChosenSecretName(e.key)) return [];
      const minLength = nameWords(e.key).includes("SALT") ? 16 : 32;
      const weakness = weaknessOf(e.value, minLength);
      if (!weakness) return [];
      return [
        {
          message: `${e.key} is ${weakness}: anyone who guesses it can forge tokens or decrypt stored secrets`,
          start: e.keyStart,
          end: e.valueEnd,
          secret: e.value,
        },
      ];
    });
}
