/**
 * Node ESM entry: the module is read from disk and instantiated synchronously on import
 * (async instantiation would load undici for `Response`, ~26 ms). `init()` is a no-op kept
 * so the same code runs in browsers and Node.
 * @module
 */
import { readFileSync } from "node:fs";
import { initSync } from "faultline-glue";
import { markReady } from "../wasm.js";

initSync({ module: readFileSync(new URL("./faultline_bg.wasm", import.meta.url)) });
markReady();

export * from "../index.js";

/** No-op in Node: the module is already loaded. Returns a resolved promise. */
export default function init(_input?: unknown): Promise<void> {
  return Promise.resolve();
}
export { init };
