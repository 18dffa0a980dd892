/**
 * Node CommonJS entry: same as the ESM one, resolving the module next to this file.
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initSync } from "faultline-glue";
import { markReady } from "../wasm.js";

initSync({ module: readFileSync(join(__dirname, "faultline_bg.wasm")) });
markReady();

export * from "../index.js";

/** No-op in Node: the module is already loaded. Returns a resolved promise. */
export default function init(_input?: unknown): Promise<void> {
  return Promise.resolve();
}
export { init };
