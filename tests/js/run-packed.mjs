// Runs the JS test suites against the PACKED package, as a user would get it:
//   npm pack dist/ -> install the tarball into a fresh consumer project -> copy the suites
//   (tests/js/*.test.*, tests/e2e/*.test.mjs) and tests/vectors/ into it -> node --test.
// Usage: node tests/js/run-packed.mjs [js|e2e|all] [name filter]   (default all, every suite)
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const which = process.argv[2] ?? "all";
const only = process.argv[3] ?? "";
const tmp = join(root, "tests/js/.tmp");
const consumer = join(tmp, "consumer");
rmSync(tmp, { recursive: true, force: true });
mkdirSync(consumer, { recursive: true });

const packOut = execFileSync("npm", ["pack", "--silent", "--pack-destination", tmp, join(root, "dist")], { encoding: "utf8" });
const tarball = join(tmp, packOut.trim().split("\n").pop());
writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }, null, 2));
execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", tarball], { cwd: consumer, stdio: "inherit" });

// Dev tools the suites use (browser driver, bundler, benchmark peers) come from the repo.
for (const dep of ["playwright-core", "esbuild", "jose", "jwt-decode", "typescript", "@types", "ky", "axios"]) {
  symlinkSync(join(root, "node_modules", dep), join(consumer, "node_modules", dep));
}
cpSync(join(root, "tests/vectors"), join(consumer, "vectors"), { recursive: true });
cpSync(join(root, "www"), join(consumer, "www"), { recursive: true });

const suites = [];
const take = (dir, pattern) => {
  for (const f of readdirSync(join(root, dir)).sort()) {
    if (pattern.test(f) && f.includes(only)) {
      cpSync(join(root, dir, f), join(consumer, f));
      suites.push(f);
    }
  }
};
if (which === "js" || which === "all") take("tests/js", /\.test\.(mjs|cjs)$/);
if (which === "e2e" || which === "all") take("tests/e2e", /\.test\.mjs$/);
for (const f of readdirSync(join(root, "tests/js"))) {
  if (/^helpers?\..*\.mjs$|\.ts$/.test(f)) cpSync(join(root, "tests/js", f), join(consumer, f));
}

const r = spawnSync(process.execPath, ["--test", "--test-concurrency=1", ...suites], {
  cwd: consumer,
  stdio: "inherit",
  env: { ...process.env, FAULTLINE_REPO: root, FAULTLINE_TARBALL: tarball },
});
process.exit(r.status ?? 1);
