// The playground page: plain <script type="module">, no bundler, importing the built package.
import init, { wasmVersion } from "/pkg/browser.mjs";

await init();
document.getElementById("wasm-version").textContent = wasmVersion();
document.body.dataset.ready = "true";
