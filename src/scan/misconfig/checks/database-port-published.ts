import type { FileContext } from "../../file-context.js";
import type { ScanReport } from "../../rule.js";
import { composeServices, isPublishedEverywhere } from "../parsers/compose.js";

const DATABASE_IMAGE =
  /(^|\/)(postgres|postgresql|postgis|pgvector|timescaledb|mysql|mariadb|redis|redis-stack|valkey|keydb|mongo|mongodb|memcached|elasticsearch|opensearch|clickhouse|couchdb|cassandra|neo4j|qdrant|weaviate|chroma)$/i;

/** ELZ-017: a datastore port mapped to 0.0.0.0, reachable from any network the host is on. */
export function check(file: FileContext): ScanReport[] {
  const testOnly = /\.(test|ci)\.ya?ml$|(^|\/)(test|tests|__tests__)\//i.test(file.path);
  return composeServices(file.yaml).flatMap((service) => {
    const image = service.image?.value ?? "";
    const repository = imageRepository(image);
    if (!DATABASE_IMAGE.test(repository)) return [];
    return service.ports.filter(isPublishedEverywhere).map((port) => ({
      message: `service "${service.name}" (${image}) publishes port ${port.containerPort} on every interface; bind it to 127.0.0.1 or drop the mapping`,
      start: port.start,
      end: port.end,
      ...(testOnly ? { severity: "low" as const } : {}),
    }));
  });
}

/** `postgres:16@sha256:…` → `postgres`; `registry:5000/db/postgres:16` → `registry:5000/db/postgres` (the tag follows the last `/`). */
function imageRepository(image: string): string {
  const digest = image.indexOf("@");
  const name = digest === -1 ? image : image.slice(0, digest);
  const tag = name.indexOf(":", name.lastIndexOf("/") + 1);
  return tag === -1 ? name : name.slice(0, tag);
}
