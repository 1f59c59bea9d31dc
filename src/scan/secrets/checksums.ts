import { crc32 } from "node:zlib";
import { decodeBase64 } from "./structural.js";

/**
 * Check digits that token issuers put into their own formats. A token that fails its check cannot have been
 * issued by the provider: it is an example, a placeholder someone typed, or a corrupted copy.
 */

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function base62Of(n: number, width: number): string {
  let text = "";
  do {
    text = BASE62[n % 62] + text;
    n = Math.floor(n / 62);
  } while (n > 0);
  return text.padStart(width, "0");
}

/**
 * GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm (`npm_`) tokens: a prefix, 30 random base62
 * characters, then the CRC32 of those 30 characters in base62 (0-9A-Za-z), left-padded to 6.
 * (github.blog 2021-04-05 "Behind GitHub's new authentication token formats"; npm adopted it 2021-09.)
 */
export function hasGithubStyleChecksum(token: string): boolean {
  const underscore = token.lastIndexOf("_");
  const body = token.slice(underscore + 1);
  if (body.length !== 36) return false;
  return base62Of(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

/** Appends a valid check to 30 random base62 characters: examples and test corpora use it. */
export function withGithubStyleChecksum(prefix: string, random30: string): string {
  return `${prefix}${random30}${base62Of(crc32(random30), 6)}`;
}

/**
 * A PyPI token is `pypi-` and a base64url macaroon (libmacaroons format v2): version byte 2, then fields of
 * (type varint, length varint, data) — location, identifier, end-of-section, caveats each closed by an
 * end-of-section, an end-of-section, and a 32-byte signature (type 6). A token that parses whole and names
 * pypi.org is one PyPI issued; random characters after the well-known prefix do not parse.
 */
export function isPypiMacaroon(token: string): boolean {
  const bytes = decodeBase64(token.replace(/^pypi-/, ""));
  if (bytes?.[0] !== 2) return false;
  const reader = { bytes, at: 1 };
  const head = readSection(reader);
  if (!head) return false;
  const location = head.get(1)?.toString("latin1") ?? "";
  if (!/(^|\.)pypi\.org$/.test(location) || !head.has(2)) return false;
  while (reader.at < bytes.length && bytes[reader.at] !== 0) {
    if (!readSection(reader)) return false; // a caveat section
  }
  reader.at++; // the end of the caveat list
  const signature = readField(reader);
  return signature?.type === 6 && signature.data.length === 32 && reader.at === bytes.length;
}

interface Reader {
  bytes: Buffer;
  at: number;
}

function readVarint(r: Reader): number | undefined {
  let value = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    const byte = r.bytes[r.at++];
    if (byte === undefined) return undefined;
    value |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return value;
  }
  return undefined;
}

function readField(r: Reader): { type: number; data: Buffer } | undefined {
  const type = readVarint(r);
  if (type === undefined || type === 0) return undefined;
  const length = readVarint(r);
  if (length === undefined || r.at + length > r.bytes.length) return undefined;
  const data = r.bytes.subarray(r.at, r.at + length);
  r.at += length;
  return { type, data };
}

/** Fields up to an end-of-section byte (0), keyed by type; undefined when the bytes run out first. */
function readSection(r: Reader): Map<number, Buffer> | undefined {
  const fields = new Map<number, Buffer>();
  while (r.at < r.bytes.length) {
    if (r.bytes[r.at] === 0) {
      r.at++;
      return fields;
    }
    const field = readField(r);
    if (!field) return undefined;
    fields.set(field.type, field.data);
  }
  return undefined;
}
