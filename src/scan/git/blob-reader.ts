import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { RampartError } from "../../core/errors.js";
import { GIT_SAFE_OPTIONS } from "./git-process.js";

/** A blob as read: its bytes when within the limit, else only its size (the bytes went by unkept). */
export type Blob = { size: number; bytes: Buffer } | { size: number; bytes?: undefined };

/**
 * One `git cat-file --batch` process serving blobs by object id, one at a time. Blobs stream through a pipe,
 * so no output buffer limit applies (an 8 MB or a 600 MB file is read or skipped, never an ENOBUFS abort),
 * and a blob over the limit is passed over without being held in memory. Object ids, not paths, are asked
 * for: a path may hold a newline, an object id cannot.
 */
export class BlobReader {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private wake: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(top: string) {
    this.child = spawn("git", [...GIT_SAFE_OPTIONS, "cat-file", "--batch"], { cwd: top, stdio: ["pipe", "pipe", "ignore"] });
    this.child.stdout.on("data", (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      // Backpressure: a huge blob being skipped is read as fast as it is discarded, not faster.
      if (this.buffered > 4 * 1024 * 1024) this.child.stdout.pause();
      this.notify();
    });
    this.child.stdout.on("end", () => {
      this.ended = true;
      this.notify();
    });
    this.child.on("error", (error) => {
      this.failure = new RampartError(`cannot run git (${error.message}); install git and retry`);
      this.ended = true;
      this.notify();
    });
    this.child.stdin.on("error", () => undefined); // git gone: reads end with a clear error instead
  }

  /** The blob `id`, its bytes kept only when `size <= limit`; undefined when git has no such object. */
  async read(id: string, limit: number): Promise<Blob | undefined> {
    this.child.stdin.write(`${id}\n`);
    const header = (await this.readLine()).toString("utf8");
    if (header.endsWith(" missing")) return undefined;
    const size = Number(header.split(" ")[2]);
    if (!Number.isSafeInteger(size))
      throw new RampartError(`git cat-file answered "${header.slice(0, 80)}" for ${id}; the repository may be damaged (try git fsck)`);
    const bytes = await this.take(size, size <= limit);
    await this.take(1, false); // the newline after the content
    return bytes ? { size, bytes } : { size };
  }

  close(): void {
    this.child.stdin.end();
    this.child.stdout.resume();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async more(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.ended) throw new RampartError("git cat-file stopped early; the repository may be damaged (try git fsck)");
    this.child.stdout.resume();
    await new Promise<void>((resolve) => (this.wake = resolve));
  }

  private async readLine(): Promise<Buffer> {
    for (;;) {
      const at = this.indexOfNewline();
      if (at !== -1) {
        const line = (await this.take(at + 1, true)) as Buffer;
        return line.subarray(0, at);
      }
      await this.more();
    }
  }

  private indexOfNewline(): number {
    let offset = 0;
    for (const chunk of this.chunks) {
      const at = chunk.indexOf(10);
      if (at !== -1) return offset + at;
      offset += chunk.length;
    }
    return -1;
  }

  /** Consumes `n` bytes, returning them when `keep` (else dropping them as they arrive). */
  private async take(n: number, keep: boolean): Promise<Buffer | undefined> {
    const kept: Buffer[] = [];
    let left = n;
    while (left > 0) {
      if (this.chunks.length === 0) {
        await this.more();
        continue;
      }
      const chunk = this.chunks[0]!;
      const part = chunk.length <= left ? chunk : chunk.subarray(0, left);
      if (part === chunk) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(left);
      this.buffered -= part.length;
      left -= part.length;
      if (keep) kept.push(part);
    }
    if (this.buffered < 1024 * 1024) this.child.stdout.resume();
    return keep ? Buffer.concat(kept, n) : undefined;
  }
}
