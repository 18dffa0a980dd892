// Prints the size of the optimised module and the JS entries (raw, gzip -9, brotli q11) and
// fails when any figure exceeds size-budget.json. Measures dist/, never target/.
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const root = new URL("..", import.meta.url).pathname;
const budget = JSON.parse(readFileSync(`${root}size-budget.json`, "utf8"));
const rows = [];
let over = 0;
for (const file of Object.keys(budget).filter((k) => k !== "description")) {
  const bytes = readFileSync(`${root}dist/${file}`);
  const sizes = {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
  for (const [k, v] of Object.entries(sizes)) {
    if (v > budget[file][k]) {
      over++;
      console.error(`size: ${file} ${k} ${v} B exceeds the budget of ${budget[file][k]} B`);
    }
  }
  rows.push({ file, ...sizes });
}
const total = (k) => rows.filter((r) => r.file !== "node.mjs").reduce((a, r) => a + r[k], 0);
console.log("size: file                 raw      gzip -9   brotli");
for (const r of rows) console.log(`size: ${r.file.padEnd(18)} ${String(r.raw).padStart(8)} ${String(r.gzip).padStart(9)} ${String(r.brotli).padStart(8)}`);
console.log(`size: browser total      ${String(total("raw")).padStart(8)} ${String(total("gzip")).padStart(9)} ${String(total("brotli")).padStart(8)}  (wasm + browser.mjs)`);
process.exit(over ? 1 : 0);
