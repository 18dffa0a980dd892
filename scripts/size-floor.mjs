// Measures how small the wasm module could get if it held nothing but our domain code: the
// floor under any size target that keeps today's scope (HACKING.md, "Where the bytes are").
//
// It reads build/glue/faultline_bg.wasm (before wasm-opt, so function names are kept; run
// scripts/build.sh first), empties every function that is not domain code and runs
// binaryen's -Oz with the features of scripts/build.sh, which then drops everything only
// those bodies reached: allocator, formatting, std, serde, the JSON deserializer, bindings
// and wasm-bindgen glue. An emptied function forwards its arguments to an import of its own
// signature instead of becoming `unreachable`: the optimiser knows that a call to a function
// that traps never returns and would delete the domain code after every call to the
// allocator or to a `Vec` method, measuring far less than the code we wrote. Domain code
// that emptied code called (an export shim, a serde visitor, a drop) is exported. It prints
// raw and gzip -9 bytes of
//   (a) the real module, dist/faultline_bg.wasm;
//   (b) domain code with all data segments (`.rodata` holds our messages and tables, but
//       also panic locations, std tables and serde field names);
//   (c) domain code with the data segments emptied, so (b) - (c) is data's share;
// and dist/browser.mjs, whose JS the floor does not touch.
//
// Usage: node scripts/size-floor.mjs [--list] (--list prints the kept function names)
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import binaryen from "binaryen";

const root = new URL("..", import.meta.url).pathname;
const LIST = process.argv.includes("--list");

/** Domain code: our own functions and methods in `faultline::core`, minus the serde side. */
const RULE = [
  "a function is domain code when its name starts with `faultline::core::` or",
  "`<faultline::core::` (a method or trait impl of one of our types), except",
  "  - `faultline::core::json::de` (the serde Deserializer over the JSON reader),",
  "  - any name that mentions serde (derived and hand-written Serialize/Deserialize,",
  "    visitors), and derived `Debug` impls;",
  "not domain: bindings, std/alloc/core (including their generics instantiated with our",
  "types, such as Vec<T> methods, iterator adapters and drop glue), dlmalloc, serde,",
  "serde-wasm-bindgen, wasm-bindgen, js-sys, base64, hashbrown.",
].join("\n");
const isDomain = (name) =>
  /^<?faultline::core::/.test(name) &&
  !/^<?faultline::core::json::de::/.test(name) &&
  !name.includes("serde") &&
  !name.includes("as core::fmt::Debug>");

// The same optimisation as scripts/build.sh: wasm-opt -Oz and its --enable-* list (on the
// command line bulk-memory implies bulk-memory-opt, reference-types call-indirect-overlong).
const F = binaryen.Features;
const FEATURES = F.BulkMemory | F.BulkMemoryOpt | F.NontrappingFPToInt | F.SignExt | F.MutableGlobals |
  F.ReferenceTypes | F.CallIndirectOverlong | F.Multivalue;
function optimizeOz(module) {
  module.setFeatures(FEATURES);
  if (!module.validate()) throw new Error("size-floor: the module does not validate before -Oz");
  binaryen.setOptimizeLevel(2);
  binaryen.setShrinkLevel(2);
  binaryen.setDebugInfo(false);
  module.optimize();
  if (!module.validate()) throw new Error("size-floor: the optimised module does not validate");
  return module.emitBinary();
}

/** Byte size of each section of a wasm binary, by name (custom sections by their own name). */
function sections(bytes) {
  const NAMES = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount"];
  const out = {};
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const name = NAMES[id] ?? `section ${id}`;
    out[name] = (out[name] ?? 0) + size;
    at += size;
  }
  return out;
}

const sizes = (bytes) => ({ raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
const glue = readFileSync(`${root}build/glue/faultline_bg.wasm`);
const read = () => {
  const module = binaryen.readBinary(glue);
  module.setFeatures(FEATURES);
  return module;
};

/** Function names a text line refers to: calls, ref.func, elem and export entries. */
const NAME = /\$(?:"((?:[^"\\]|\\.)*)"|([^\s()"]+))/g;
const unescape = (s) => s.replace(/\\([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))).replace(/\\(.)/g, "$1");
function namesIn(line) {
  return [...line.matchAll(NAME)].map((m) => (m[1] !== undefined ? unescape(m[1]) : m[2]));
}

/**
 * Domain functions that something other than domain code refers to: a stubbed function's
 * call or ref.func, the table, an export or the start function. Found in the text format,
 * which names every callee.
 */
function domainRoots(module, functions) {
  const roots = new Set();
  let skip = false; // inside a domain function, or a data segment (text, not code)
  for (const line of module.emitText().split("\n")) {
    const head = line.match(/^ \((\w+)/);
    if (head) {
      skip = head[1] === "data" || (head[1] === "func" && isDomain(namesIn(line)[0]));
      if (head[1] === "func") continue;
    }
    if (skip || !/\b(call|return_call|ref\.func|elem|export|start)\b/.test(line)) continue;
    for (const name of namesIn(line)) if (functions.has(name) && isDomain(name)) roots.add(name);
  }
  return roots;
}

/** Stubs every non-domain function, exports the domain roots instead of the bindings. */
function domainOnly({ emptyData }) {
  const module = read();
  const functions = new Map();
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
    if (!info.module) functions.set(info.name, info);
  }
  const roots = domainRoots(module, functions);
  const exports = [];
  for (let i = 0; i < module.getNumExports(); i++) exports.push(binaryen.getExportInfo(module.getExportByIndex(i)));
  for (const e of exports) if (e.kind === binaryen.ExternalFunction) module.removeExport(e.name);
  let stubbed = 0;
  for (const [name, info] of functions) {
    if (isDomain(name)) continue;
    const opaque = `x${stubbed}`;
    module.addFunctionImport(opaque, "x", (stubbed++).toString(36), info.params, info.results);
    const args = binaryen.expandType(info.params).map((type, i) => module.local.get(i, type));
    binaryen.Function.setBody(module.getFunction(name), module.call(opaque, args, info.results));
  }
  [...roots].forEach((name, i) => module.addFunctionExport(name, `d${i}`));
  if (emptyData) {
    const segments = [];
    for (let i = 0; i < module.getNumDataSegments(); i++) {
      const info = module.getDataSegmentInfo(module.getDataSegmentByIndex(i));
      segments.push({ name: info.name, passive: info.passive, offset: info.passive ? 0 : module.i32.const(info.offset), data: new Uint8Array(0) });
    }
    const memory = module.getMemoryInfo();
    const exported = exports.find((e) => e.kind === binaryen.ExternalMemory);
    if (exported) module.removeExport(exported.name);
    module.setMemory(memory.initial, memory.max ?? -1, exported?.name ?? null, segments, memory.shared, memory.is64);
  }
  const kept = [...functions.keys()].filter(isDomain);
  const binary = optimizeOz(module);
  // What -Oz left: domain functions (the rest were inlined), the stubs that the table still
  // holds, and the imports the stubs call.
  const left = { domain: 0, stubs: 0, imports: 0 };
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const info = binaryen.getFunctionInfo(module.getFunctionByIndex(i));
    left[info.module ? "imports" : isDomain(info.name) ? "domain" : "stubs"]++;
  }
  return { binary, kept, stubbed, left, roots: roots.size, total: functions.size };
}

const real = sizes(readFileSync(`${root}dist/faultline_bg.wasm`));
const again = sizes(optimizeOz(read()));
const withData = domainOnly({ emptyData: false });
const noData = domainOnly({ emptyData: true });
const b = sizes(withData.binary);
const c = sizes(noData.binary);
const js = sizes(readFileSync(`${root}dist/browser.mjs`));

const kb = (n) => (n / 1000).toFixed(1).padStart(6);
const row = (name, s) => console.log(`size-floor: ${name.padEnd(46)} ${String(s.raw).padStart(7)} ${String(s.gzip).padStart(8)}  (${kb(s.gzip)} KB gzip)`);
console.log(RULE.replace(/^/gm, "size-floor: "));
console.log(`size-floor: ${withData.kept.length} of ${withData.total} functions are domain code (${withData.roots} exported as roots), ${withData.stubbed} stubbed`);
const { left } = withData;
console.log(`size-floor: after -Oz, (b) defines ${left.domain} domain functions and ${left.stubs} stubs (table entries), and imports ${left.imports} stubbed functions`);
console.log(`size-floor: ${"".padEnd(46)} ${"raw".padStart(7)} ${"gzip -9".padStart(8)}`);
row("(a) dist/faultline_bg.wasm", real);
row("    this script's -Oz of build/glue (check)", again);
row("(b) domain code + all data segments", b);
row("(c) domain code, data segments emptied", c);
row("    data's share, (b) - (c)", { raw: b.raw - c.raw, gzip: b.gzip - c.gzip });
row("dist/browser.mjs", js);
const parts = (bytes) => Object.entries(sections(bytes)).map(([k, v]) => `${k} ${v}`).join(", ");
console.log(`size-floor: sections of (b): ${parts(withData.binary)}`);
console.log(`size-floor: sections of (a): ${parts(readFileSync(`${root}dist/faultline_bg.wasm`))}`);
row("browser total at the floor, (b) + browser.mjs", { raw: b.raw + js.raw, gzip: b.gzip + js.gzip });
if (LIST) for (const name of withData.kept.sort()) console.log(`kept: ${name}`);
