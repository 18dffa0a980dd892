/**
 * Build identity.
 * @module
 */
import { wasmVersion as glueVersion } from "faultline-glue";
import { assertReady } from "./wasm.js";

/** The version of the loaded WebAssembly module (equals the npm package version). */
export function wasmVersion(): string {
  assertReady();
  return glueVersion();
}
