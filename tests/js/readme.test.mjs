// Every ```js example in README.md, pkg-template/README.md and docs/**/*.md runs against the
// packed package, in a directory that holds only the installed package (no repository
// files), as a user who copied it would run it:
//   ```js          an ES module (`.mjs`) importing "faultline"
//   ```js cjs      a CommonJS file (`.js` in a project whose package.json has no "type")
//   ```js browser  an ES module written for a page: `fetch` of a path goes to a small
//                  stand-in API (below) instead of the page's origin
//   ```js no-run   shown only (needs a real browser, a framework, or a real server)
// An example fails the test by throwing, so examples assert what they show with node:assert.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join, relative } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";

const repo = process.env.FAULTLINE_REPO;
const markdown = (dir) =>
  readdirSync(join(repo, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdown(join(dir, e.name)) : e.name.endsWith(".md") ? [join(dir, e.name)] : []);
const files = ["README.md", "pkg-template/README.md", ...markdown("docs").sort()];
// Examples that still start the repository's mock API from ./www/ run beside it.
const usesRepoFiles = (code) => /from "\.\/www\//.test(code);

// A project directory with nothing but the package, as `npm install faultline` leaves it.
const project = join(process.cwd(), "readme-project");
mkdirSync(join(project, "node_modules"), { recursive: true });
writeFileSync(join(project, "package.json"), '{ "name": "my-app", "version": "1.0.0" }\n');
if (!existsSync(join(project, "node_modules/faultline"))) {
  symlinkSync(join(process.cwd(), "node_modules/faultline"), join(project, "node_modules/faultline"));
}

// The stand-in API for ```js browser examples.
const routes = {
  "/api/orders/7": () => [503, { "retry-after": "5", "content-type": "application/json" }, '{"detail":"Service temporarily unavailable."}'],
};
let api;
before(async () => {
  api = createServer((req, res) => {
    const route = routes[new URL(req.url, "http://x").pathname];
    const [status, headers, body] = route ? route() : [404, {}, ""];
    res.writeHead(status, headers).end(body);
  });
  await new Promise((r) => api.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${api.address().port}`;
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => realFetch(typeof input === "string" && input.startsWith("/") ? base + input : input, init);
});
after(() => new Promise((r) => api.close(r)));

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
    const cjs = /\bcjs\b/.test(info);
    const name = `readme-${file.replace(/[^a-z0-9]/gi, "_")}-${n}.${cjs ? "js" : "mjs"}`;
    test(`${file}:${line} example ${n} runs${cjs ? " (CommonJS .js)" : ""}`, async () => {
      const dir = usesRepoFiles(code) ? process.cwd() : project;
      const out = join(dir, name);
      writeFileSync(out, code);
      if (cjs) {
        // A separate process: the file must work as `node example.js` in a CommonJS project.
        execFileSync(process.execPath, [relative(dir, out)], { cwd: dir, stdio: "pipe" });
      } else {
        await import(pathToFileURL(out).href);
      }
    });
  }
}
