import { randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, renameSync, rmSync, type Stats, writeSync } from "node:fs";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { ConfigError, RampartError } from "./errors.js";

/**
 * Reading and writing files a scanned repository may control. A repository can commit a symlink to
 * /dev/zero, a FIFO, or a link out of the tree; none of those may hang, exhaust memory or redirect a write.
 */

export interface ReadLimits {
  /** Larger files are refused (never read whole). */
  maxBytes: number;
  /** When set, a file whose real path leaves this directory (through a symlink) is refused. */
  root?: string;
}

/** Why a file may not be read, or undefined when it may; the open descriptor is checked, not the name. */
export class UnsafeFileError extends ConfigError {}

/**
 * The file's text when it is a regular file within `maxBytes` (and inside `root` when given). Otherwise an
 * UnsafeFileError naming the file and what to do. Opened non-blocking so a FIFO cannot hang the read.
 */
export function readRegularFile(file: string, limits: ReadLimits): string {
  if (limits.root !== undefined) assertInside(file, limits.root);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new ConfigError(`cannot read the file (${errorCode(error)}); check the path`, { file, cause: error });
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile())
      throw new UnsafeFileError("is not a regular file (a FIFO, device or directory); Rampart reads only regular files here, so replace it with one", { file });
    if (info.size > limits.maxBytes)
      throw new UnsafeFileError(`is ${info.size} bytes, over the ${limits.maxBytes}-byte limit for this kind of file; shorten it`, { file });
    const buffer = Buffer.allocUnsafe(info.size);
    let offset = 0;
    while (offset < info.size) {
      const n = readSync(fd, buffer, offset, info.size - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    return buffer.subarray(0, offset).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** Throws when `file`, symlinks resolved, is not inside `root` (a missing file passes: opening it fails later). */
function assertInside(file: string, root: string): void {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return;
  }
  const realRoot = safeRealpath(root);
  if (!isInsideDir(real, realRoot)) {
    throw new UnsafeFileError(
      `is a symlink leading out of ${root}; Rampart does not read files outside the scanned tree, so replace the link with a regular file`,
      { file },
    );
  }
}

function isInsideDir(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Refuses when any existing component of `rel` below `root` is a symlink or not a directory/regular file,
 * so a write to `root/rel` cannot be redirected (a committed `.github` → `/etc` symlink, say).
 */
export function assertNoSymlinkBelow(root: string, rel: string): void {
  const parts = rel.split(/[\\/]/).filter((p) => p !== "" && p !== ".");
  let current = root;
  for (const [index, part] of parts.entries()) {
    current = join(current, part);
    let info: Stats;

    try {
      info = lstatSync(current);
    } catch {
      return; // does not exist yet: created as a real directory or file by the writer
    }
    const last = index === parts.length - 1;
    if (info.isSymbolicLink())
      throw new RampartError(
        `${current} is a symlink; Rampart does not write through symlinks. Remove the link (or replace it with a real ${last ? "file" : "directory"}) and retry`,
        { file: current },
      );
    if (!last && !info.isDirectory()) throw new RampartError(`${current} is not a directory; remove it and retry`, { file: current });
    if (last && !info.isFile()) throw new RampartError(`${current} is not a regular file; remove it and retry`, { file: current });
  }
}

/**
 * Writes `data` to `file` without following a symlink: into a fresh temp file created exclusively (O_EXCL
 * never follows a planted link), then renamed over the target (rename replaces a link, never its target).
 */
export function writeFileNoFollow(file: string, data: string | Uint8Array, mode = 0o644): void {
  const tmp = join(dirname(file), `.${file.slice(dirname(file).length + 1)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), mode);
  try {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? "error";
}
