#!/usr/bin/env node
import { enableCompileCache } from "node:module";

// Keep compiled bytecode for our modules and dependencies between runs (in the OS temp directory): start-up,
// and each scan worker's, then skips recompiling some 200 modules. Set before anything else is imported.
enableCompileCache?.();
const { processIo } = await import("./io.js");
const { run } = await import("./program.js");

process.exitCode = await run(process.argv.slice(2), processIo());
