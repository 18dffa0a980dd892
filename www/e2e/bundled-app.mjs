// Bundled by esbuild in tests/e2e/browser.test.mjs: proves the package works under a bundler.
import init, { wasmVersion, FaultlineError } from "faultline";

await init(new URL("faultline_bg.wasm", import.meta.url));
document.body.dataset.version = wasmVersion();
document.body.dataset.errorClass = String(new FaultlineError("internal") instanceof Error);
document.body.dataset.ready = "true";
