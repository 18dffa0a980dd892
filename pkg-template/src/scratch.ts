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
// The reserved scratch bytes and the result slots, as views on wasm memory. When the memory
// grows its old ArrayBuffer is detached and every view on it reads as length 0, so a length
// check replaces comparing `memory.buffer` (a ~50 ns getter) on every call.
let view = new Uint8Array(0);
let viewPtr = -1;
let out = new Float64Array(0);

/**
 * At least `cap` bytes of scratch, reserved, viewed from its start (the same view while the
 * buffer neither moves nor grows, so a call allocates nothing). Above the limit it throws
 * `invalid_argument` before anything is written.
 * @internal
 */
export function scratch(cap: number): Uint8Array {
  // Asking every time costs ~4 ns and stays right whoever else reserved in between.
  const ptr = wasm().scratch_reserve(cap);
  if (ptr === 0 && cap > 0) throw tooLarge(cap);
  if (ptr !== viewPtr || cap > view.length || view.length === 0) {
    memory ??= wasm().wasm_memory() as WebAssembly.Memory;
    view = new Uint8Array(memory.buffer, ptr, cap);
    viewPtr = ptr;
  }
  return view;
}

function tooLarge(cap: number): FaultlineError {
  return new FaultlineError("invalid_argument", `input too large for faultline (${cap} bytes > ${MAX_BYTES})`);
}

/**
 * Writes `parts` back to back into the scratch buffer and returns each one's byte length.
 * Strings above the limit throw `invalid_argument` before anything is encoded.
 * @internal
 */
export function writeStrings(parts: readonly string[], lengths: number[]): void {
  let cap = 0;
  for (const p of parts) cap += p.length * 3;
  if (cap > MAX_BYTES) throw tooLarge(cap);
  const buf = scratch(cap);
  let offset = 0;
  for (let i = 0; i < parts.length; i++) {
    const { written } = encoder.encodeInto(parts[i]!, offset === 0 ? buf : buf.subarray(offset));
    lengths[i] = written;
    offset += written;
  }
}

/** Writes one string and returns its UTF-8 length (no arrays allocated). @internal */
export function writeString(s: string): number {
  const cap = s.length * 3;
  if (cap > MAX_BYTES) throw tooLarge(cap);
  return encoder.encodeInto(s, scratch(cap)).written;
}

/** Writes raw bytes (e.g. a response body read as bytes) and returns their length. @internal */
export function writeBytes(bytes: Uint8Array): number {
  if (bytes.length > MAX_BYTES) {
    throw new FaultlineError("invalid_argument", `input too large for faultline (${bytes.length} bytes)`);
  }
  scratch(bytes.length).set(bytes);
  return bytes.length;
}

/** The numeric results of the last multi-number call. @internal */
export function outSlots(): Float64Array {
  if (out.length === 0) {
    memory ??= wasm().wasm_memory() as WebAssembly.Memory;
    out = new Float64Array(memory.buffer, wasm().scratch_out_ptr(), 24);
  }
  return out;
}

/** A view of `len` bytes of wasm memory at `ptr` (for text an export left there). @internal */
export function memoryBytes(ptr: number, len: number): Uint8Array {
  memory ??= wasm().wasm_memory() as WebAssembly.Memory;
  return new Uint8Array(memory.buffer, ptr, len);
}

let allF64 = new Float64Array(0);

/**
 * All of wasm memory as f64 values, for reading a result array an export left there at an
 * 8-aligned address (`allF64[ptr / 8 + i]`). The same view while the memory does not grow,
 * so reading a result allocates nothing. @internal
 */
export function memoryF64(): Float64Array {
  if (allF64.length === 0) {
    memory ??= wasm().wasm_memory() as WebAssembly.Memory;
    allF64 = new Float64Array(memory.buffer);
  }
  return allF64;
}
