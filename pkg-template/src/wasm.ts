/**
 * The one place the facade reaches the generated bindings.
 *
 * Entry points (`entry/node-*.ts`, `entry/browser.ts`) load the module and call
 * {@link markReady}; every facade function calls {@link wasm} which throws a typed
 * `not_initialized` error instead of a cryptic `TypeError` when `init()` was skipped.
 * @module
 * @internal
 */
import * as glue from "faultline-glue";
import { FaultlineError } from "./errors.js";

let ready = false;

/** Records that the module is instantiated. @internal */
export function markReady(): void {
  ready = true;
}

/** True once the module is instantiated. @internal */
export function isReady(): boolean {
  return ready;
}

/**
 * Throws a typed `not_initialized` error unless the module is instantiated. Facade modules
 * import the glue functions they use by name (so bundlers can drop the rest) and call this
 * first. @internal
 */
export function assertReady(): void {
  if (!ready) {
    throw new FaultlineError(
      "not_initialized",
      "faultline: call `await init()` before using the library in a browser",
    );
  }
}

/**
 * The whole generated namespace, or a `not_initialized` error. Being replaced by named
 * imports plus {@link assertReady}, which tree-shake. @internal
 */
export function wasm(): typeof glue {
  assertReady();
  return glue;
}
