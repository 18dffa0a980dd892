// One "tab" of the token manager browser tests (tests/e2e/tokens-tabs.test.mjs). The query string
// names the channel and may override options (JSON in ?opts=). Everything the test asserts
// on is recorded on window: token changes (with the local time they were seen), logouts,
// and a get() that reports instead of throwing.
import init, { createTokenManager } from "/pkg/browser.mjs";

await init();
const params = new URLSearchParams(location.search);
const overrides = JSON.parse(params.get("opts") ?? "{}");
window.changes = [];
window.logouts = [];
const tokens = createTokenManager({
  channel: params.get("channel") ?? "e2e",
  ...overrides,
  refresh: async (refreshToken, { signal }) => {
    const r = await fetch("/api/v1/auth/refresh", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh: refreshToken }),
      signal,
    });
    const body = await r.json().catch(() => null);
    if (!r.ok) throw Object.assign(new Error(body?.detail ?? `HTTP ${r.status}`), { status: r.status });
    return body;
  },
  onLogout: (reason) => window.logouts.push(reason),
});
tokens.onChange((e) => window.changes.push({ ...e, at: Date.now() }));
window.tokens = tokens;
window.get = () => tokens.getAccessToken().then(
  (token) => ({ ok: true, token }),
  (e) => ({ ok: false, code: e.code ?? null, name: e.name }),
);
window.hasLocks = "locks" in navigator;
document.body.dataset.ready = "true";
