/**
 * The readiness check every facade function passes before it calls into the module.
 *
 * Entry points (`entry/node-cjs.ts`, `entry/browser.ts`) load the module and call
 * {@link markReady}. Facade modules import the glue functions they use by name (so bundlers
 * can drop the rest) and call {@link assertReady} first, which throws a typed
 * `not_initialized` error instead of a cryptic `TypeError` when `init()` was skipped.
 * @module
 * @internal
 */
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

/** Throws a typed `not_initialized` error unless the module is instantiated. @internal */
export function assertReady(): void {
  if (!ready) {
    throw new FaultlineError(
      "not_initialized",
      "faultline: call `await init()` before using the library in a browser",
    );
  }
}
