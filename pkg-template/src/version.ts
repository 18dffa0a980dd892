/**
 * Build identity.
 * @module
 */
import { wasm } from "./wasm.js";

/** The version of the loaded WebAssembly module (equals the npm package version). */
export function wasmVersion(): string {
  return wasm().wasmVersion();
}
