// The playground page: plain <script type="module">, no bundler, importing the built package
// the way an app does. Each panel lives in www/panels/; the page only wires them up.
import init, { wasmVersion } from "/pkg/browser.mjs";
import { setupInspector } from "./panels/inspector.mjs";
import { setupJwt } from "./panels/jwt.mjs";
import { setupRetryLab } from "./panels/retry.mjs";
import { setupTabs } from "./panels/tabs.mjs";
import { $, wireCopyButtons } from "./panels/util.mjs";

await init();
$("wasm-version").textContent = wasmVersion();
wireCopyButtons();
await Promise.all([setupInspector(), setupRetryLab(), setupJwt(), setupTabs($("tab-panel"))]);
document.body.dataset.ready = "true";
