/**
 * Cheap strings into wasm: UTF-8 written straight into a reused buffer in wasm memory with
 * `TextEncoder.encodeInto` (see `src/bindings/scratch.rs` for why).
 * @module
 * @internal
 */
import { FaultlineError } from "./errors.js";
import { wasm } from "./wasm.js";

const encoder = new TextEncoder();
const MAX_BYTES = 16 * 1024 * 1024;
let memory: WebAssembly.Memory | undefined;
let view = new Uint8Array(0);
let viewPtr = -1;
let viewCap = 0;
let out: Float64Array | undefined;

function bytesView(ptr: number, cap: number): Uint8Array {
  memory ??= wasm().wasm_memory() as WebAssembly.Memory;
  if (ptr !== viewPtr || cap > viewCap || view.buffer !== memory.buffer) {
    view = new Uint8Array(memory.buffer, ptr, cap);
    viewPtr = ptr;
    viewCap = cap;
  }
  return view;
}

/**
 * Writes `parts` back to back into the scratch buffer and returns each one's byte length.
 * Strings above the limit throw `invalid_argument` before anything is encoded.
 * @internal
 */
export function writeStrings(parts: readonly string[], lengths: number[]): void {
  let cap = 0;
  for (const p of parts) cap += p.length * 3;
  if (cap > MAX_BYTES) {
    throw new FaultlineError("invalid_argument", `input too large for faultline (${cap} bytes > ${MAX_BYTES})`);
  }
  const ptr = wasm().scratch_reserve(cap);
  const buf = bytesView(ptr, cap);
  let offset = 0;
  for (let i = 0; i < parts.length; i++) {
    const { written } = encoder.encodeInto(parts[i]!, offset === 0 ? buf : buf.subarray(offset));
    lengths[i] = written;
    offset += written;
  }
}

/** Writes one string and returns its UTF-8 length. @internal */
export function writeString(s: string): number {
  const lengths = [0];
  writeStrings([s], lengths);
  return lengths[0]!;
}

/** Writes raw bytes (e.g. a response body read as bytes) and returns their length. @internal */
export function writeBytes(bytes: Uint8Array): number {
  if (bytes.length > MAX_BYTES) {
    throw new FaultlineError("invalid_argument", `input too large for faultline (${bytes.length} bytes)`);
  }
  const ptr = wasm().scratch_reserve(bytes.length);
  bytesView(ptr, bytes.length).set(bytes);
  return bytes.length;
}

/** The numeric results of the last multi-number call. @internal */
export function outSlots(): Float64Array {
  memory ??= wasm().wasm_memory() as WebAssembly.Memory;
  if (out === undefined || out.buffer !== memory.buffer) {
    out = new Float64Array(memory.buffer, wasm().scratch_out_ptr(), 16);
  }
  return out;
}
