// Build step (`npm run build`): validates the rule catalog and writes dist/scan/rule-catalog.json, which scans
// start from instead of parsing the YAML (see catalog-snapshot.ts). A broken rule file fails the build here.
import { describeError } from "../core/errors.js";
import { writeCatalogSnapshot } from "./catalog-snapshot.js";

try {
  writeCatalogSnapshot();
} catch (error) {
  process.stderr.write(`rule catalog: ${describeError(error)}\n`);
  process.exitCode = 1;
}
