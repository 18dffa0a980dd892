/**
 * Node entry (CommonJS; `node.mjs` re-exports it for ESM). The module is read, compiled and
 * instantiated synchronously on the first call that needs it, not at import: `require` stays
 * cheap, and a process that never calls into the module never pays for compiling it.
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initSync } from "faultline-glue";
import { assertReady, loadOnFirstUse } from "../wasm.js";

loadOnFirstUse(() => initSync({ module: readFileSync(join(__dirname, "faultline_bg.wasm")) }));

export * from "../index.js";

/**
 * Loads the module now instead of on first use (Node loads it synchronously; the argument is
 * ignored). Resolves once it is loaded.
 * @throws {FaultlineError} code `init_failed` when the module cannot be loaded.
 */
export default function init(_input?: unknown): Promise<void> {
  try {
    assertReady();
    return Promise.resolve();
  } catch (e) {
    return Promise.reject(e);
  }
}
export { init };
