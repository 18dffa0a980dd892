// Prints the size of the built package and fails when a figure exceeds size-budget.json.
// Measures dist/, never target/:
//  - each file (raw, gzip -9, brotli q11) and the browser total: faultline_bg.wasm + browser.mjs;
//  - the JS of three apps bundled from dist/ as a user's bundler would (esbuild --bundle
//    --minify, browser conditions): one importing only decodeJwt, one only classify, one
//    everything. They show whether the package tree-shakes.
// Also fails when the pre-wasm-opt module (build/glue, which keeps function names) links code
// that must stay out: Rust's float formatting (`flt2dec`, pulled in by any message that
// formats an f64, such as serde's default type errors) and serde-wasm-bindgen's Deserializer
// (inputs cross as JSON text, read by core::json::de).
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const budget = JSON.parse(readFileSync(`${root}size-budget.json`, "utf8"));

const sizes = (bytes) => ({
  raw: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
  brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});

const APPS = {
  "decodeJwt only": `import init, { decodeJwt } from "faultline";\nawait init();\nconsole.log(decodeJwt(globalThis.token).exp);\n`,
  "classify only": `import init, { classify } from "faultline";\nawait init();\nconsole.log(classify({ status: 503, headers: {}, body: "" }).category);\n`,
  everything: `import * as faultline from "faultline";\nawait faultline.default();\nconsole.log(faultline);\n`,
};

/** Bundles each app against dist/ installed as node_modules/faultline; returns its JS. */
async function bundleApps() {
  const dir = `${root}build/size-apps`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(`${dir}/node_modules`, { recursive: true });
  symlinkSync(`${root}dist`, `${dir}/node_modules/faultline`);
  const out = {};
  for (const [name, source] of Object.entries(APPS)) {
    const file = `${dir}/${name.replace(/\W+/g, "-")}.mjs`;
    writeFileSync(file, source);
    const result = await build({
      entryPoints: [file], bundle: true, minify: true, format: "esm", platform: "browser",
      target: "es2022", write: false, logLevel: "error", absWorkingDir: dir,
    });
    out[name] = Buffer.from(result.outputFiles[0].contents);
  }
  return out;
}

const rows = [];
for (const file of Object.keys(budget.files)) rows.push({ name: file, limit: budget.files[file], ...sizes(readFileSync(`${root}dist/${file}`)) });
const browser = rows.filter((r) => r.name === "faultline_bg.wasm" || r.name === "browser.mjs");
const sum = (k) => browser.reduce((a, r) => a + r[k], 0);
rows.push({ name: "browser total", limit: budget.browserTotal, raw: sum("raw"), gzip: sum("gzip"), brotli: sum("brotli") });
for (const [name, bytes] of Object.entries(await bundleApps())) rows.push({ name: `app: ${name}`, limit: budget.apps[name], ...sizes(bytes) });

let over = 0;
const FORBIDDEN = ["flt2dec", "serde_wasm_bindgen::de::Deserializer"];
const linked = readFileSync(`${root}build/glue/faultline_bg.wasm`).toString("latin1");
for (const name of FORBIDDEN) {
  if (linked.includes(name)) {
    over++;
    console.error(`size: build/glue/faultline_bg.wasm links ${name}; find the caller with: twiggy paths build/glue/faultline_bg.wasm <function>`);
  }
}
const col = (v, w) => String(v).padStart(w);
console.log(`size: ${"".padEnd(24)} ${col("raw", 8)} ${col("gzip -9", 9)} ${col("brotli", 8)}`);
for (const r of rows) {
  console.log(`size: ${r.name.padEnd(24)} ${col(r.raw, 8)} ${col(r.gzip, 9)} ${col(r.brotli, 8)}`);
  for (const k of ["raw", "gzip", "brotli"]) {
    if (r.limit?.[k] !== undefined && r[k] > r.limit[k]) {
      over++;
      console.error(`size: ${r.name} ${k} ${r[k]} B exceeds the budget of ${r.limit[k]} B`);
    }
  }
}
console.log(`size: browser total ${(sum("gzip") / 1024).toFixed(1)} KiB gzip -9 (wasm + browser.mjs); apps are JS only, the wasm loads beside them`);
process.exit(over ? 1 : 0);
