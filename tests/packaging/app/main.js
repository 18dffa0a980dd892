// The app every bundler fixture builds: load the wasm the way the README says, then show a
// value only the wasm can compute (a Retry-After hint read by the Rust classifier).
import init, { classify, wasmVersion } from "faultline";

const out = document.getElementById("result");
init()
  .then(() => {
    const c = classify({ status: 429, headers: { "retry-after": "7" }, body: "" });
    out.textContent = `ok ${c.category} ${c.retryAfterMs} ${wasmVersion()}`;
  })
  .catch((e) => {
    out.textContent = `error ${e && e.code} ${e && e.message}`;
  });
