// Every ```js example in README.md, pkg-template/README.md and docs/*.md runs against the
// packed package (as an ES module importing "faultline"). Fences marked ```js no-run are
// shown only (e.g. a snippet that needs a browser). An example fails the test by throwing,
// so examples assert what they show with node:assert.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

const repo = process.env.FAULTLINE_REPO;
const files = ["README.md", "pkg-template/README.md", ...readdirSync(join(repo, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

for (const file of files) {
  const path = join(repo, file);
  if (!existsSync(path)) continue;
  const text = readFileSync(path, "utf8");
  const fence = /^```(js|javascript|ts)([^\n]*)\n([\s\S]*?)^```/gm;
  let m;
  let n = 0;
  while ((m = fence.exec(text)) !== null) {
    n++;
    const [, lang, info, code] = m;
    if (lang === "ts" || /no-run/.test(info)) continue;
    const line = text.slice(0, m.index).split("\n").length;
    test(`${file}:${line} example ${n} runs`, async () => {
      const out = join(process.cwd(), `readme-${file.replace(/[^a-z0-9]/gi, "_")}-${n}.mjs`);
      writeFileSync(out, code);
      await import(pathToFileURL(out).href);
    });
  }
}
