/**
 * Browser (and bundler, and Deno) entry: nothing happens until `init()` is called.
 * @module
 */
import initGlue from "faultline-glue";
import { FaultlineError } from "../errors.js";
import { isReady, markReady } from "../wasm.js";

export * from "../index.js";

/** Where to load the module from: a URL, a fetch `Response`, the bytes, or a compiled module. */
export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;

let loading: Promise<void> | undefined;

/**
 * Loads and instantiates the WebAssembly module. Call once before anything else; later calls
 * return the same promise. Without an argument the module is fetched from
 * `faultline_bg.wasm` next to this file; pass a URL (self-hosting, CDN, CSP), bytes or a
 * compiled `WebAssembly.Module` to choose.
 * @throws {FaultlineError} code `init_failed` when the module cannot be loaded.
 */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void> {
  if (isReady()) return Promise.resolve();
  loading ??= initGlue(input === undefined ? undefined : { module_or_path: input })
    .then(() => markReady())
    .catch((e: unknown) => {
      loading = undefined;
      throw new FaultlineError("init_failed", `faultline: could not load the WebAssembly module: ${String(e)}${hint(e)}`, { cause: e });
    });
  return loading;
}
export { init };

/** What to do when the server answered with something else than the module (a 404 page). */
function hint(e: unknown): string {
  return /magic word/.test(String(e)) ? ' (not a wasm file: pass its URL to init(); Vite dev: optimizeDeps.exclude ["faultline"])' : "";
}
