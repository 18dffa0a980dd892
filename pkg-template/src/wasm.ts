/**
 * The readiness check every facade function passes before it calls into the module.
 *
 * Browsers load the module with `init()` (`entry/browser.ts`), which calls {@link markReady}.
 * Node loads it on first use instead (`entry/node-cjs.ts` registers a synchronous loader with
 * {@link loadOnFirstUse}): compiling the module is most of what an import of the package would
 * cost, and a service that imports faultline for its error path may never need it.
 *
 * Facade modules import the glue functions they use by name (so bundlers can drop the rest)
 * and call {@link assertReady} first, which loads the module where a loader is registered and
 * otherwise throws a typed `not_initialized` error instead of a cryptic `TypeError` when
 * `init()` was skipped.
 * @module
 * @internal
 */
import { FaultlineError } from "./errors.js";

let ready = false;
let loader: (() => void) | undefined;

/** Records that the module is instantiated. @internal */
export function markReady(): void {
  ready = true;
}

/** True once the module is instantiated. @internal */
export function isReady(): boolean {
  return ready;
}

/**
 * Makes the first {@link assertReady} run `load` (synchronous: it reads, compiles and
 * instantiates the module). A load that throws leaves the module unloaded, so the next call
 * tries again and fails the same typed way. @internal
 */
export function loadOnFirstUse(load: () => void): void {
  loader = load;
}

/**
 * Returns once the module is instantiated: loads it if a loader is registered, else throws a
 * typed `not_initialized` error. A loader that fails throws `init_failed`. @internal
 */
export function assertReady(): void {
  if (ready) return;
  if (loader === undefined) {
    throw new FaultlineError("not_initialized", "faultline: call `await init()` before using the library in a browser");
  }
  try {
    loader();
  } catch (e) {
    throw new FaultlineError("init_failed", `faultline: could not load the WebAssembly module: ${String(e)}`, { cause: e });
  }
  ready = true;
}
