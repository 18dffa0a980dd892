// Panel 4, multi-tab refresh. Every tab of the page (the main page and /tab.html) runs this:
// a createTokenManager() on the "playground" channel plus a createClient() that uses it, or,
// with the "hand-written code" switch, the guide's BroadcastChannel snippet (guide.mjs).
// The tabs talk among themselves on a second channel only for the demo: presence and status,
// the shared log, "expire now", the mode switch.
import { createClient, createTokenManager, decodeJwt } from "/pkg/browser.mjs";
import { guideTokenRefresher } from "./guide.mjs";
import { $, clock, duration, el, errorText } from "./util.mjs";

const KEY = "faultline.playground.";
const LOGIN = { username: "demo", password: "correct horse" };
const PEER_TIMEOUT_MS = 3500;

const tabId = (() => {
  const n = Number(localStorage.getItem(`${KEY}tabSeq`) ?? 0) + 1;
  localStorage.setItem(`${KEY}tabSeq`, String(n));
  return n;
})();
const control = new BroadcastChannel("faultline-playground-demo");
const peers = new Map(); // tab id -> { status, seen }
let mode = localStorage.getItem(`${KEY}mode`) === "guide" ? "guide" : "faultline";

// This tab's view of the session.
const me = { generation: null, token: null, exp: null, state: "logged out", detail: "" };
let tokens = null; // faultline mode
let client = null;
let guide = null; // hand-written mode
let guideAccess = null;

function tokenId(token) {
  try {
    const jti = decodeJwt(token).payload.jti;
    return typeof jti === "string" ? jti.slice(0, 8) : "—";
  } catch {
    return "—";
  }
}

// ---------------------------------------------------------------- the shared log
function addLog(entry) {
  const list = $("tab-log");
  if (!list) return;
  if (entry.kind === "refresh") $("last-refresh").textContent = `tab ${entry.tab} ${entry.text.replace(/^sends /, "sent ")} at ${clock(entry.at)}`;
  const li = el("li", { "data-tab": entry.tab, "data-kind": entry.kind },
    el("time", { text: clock(entry.at) }), el("span", { class: "who", text: `tab ${entry.tab}` }), el("span", { text: entry.text }));
  list.prepend(li);
  while (list.children.length > 200) list.lastElementChild.remove();
}

function log(text, kind = "info") {
  const entry = { at: Date.now(), tab: tabId, text, kind };
  addLog(entry);
  control.postMessage({ type: "log", entry });
}

// ---------------------------------------------------------------- status and presence
function status() {
  return { tab: tabId, mode, generation: me.generation, token: me.token ? tokenId(me.token) : null, exp: me.exp, state: me.state, detail: me.detail };
}

function announce() {
  control.postMessage({ type: "status", status: status() });
  render();
}

function setToken(token, generation) {
  me.token = token;
  me.generation = generation;
  try {
    me.exp = decodeJwt(token).exp ?? null;
  } catch {
    me.exp = null;
  }
  me.state = "logged in";
  me.detail = "";
  announce();
}

function setLoggedOut(detail) {
  me.token = null;
  me.exp = null;
  me.state = "logged out";
  me.detail = detail;
  announce();
}

let refreshTotal = 0;
async function pollStats() {
  try {
    const s = await (await fetch("/api/_stats")).json();
    refreshTotal = s.refreshRequests;
  } catch {
    return; // the server went away; the next poll tries again
  }
  renderCount();
}

function renderCount() {
  const base = Number(localStorage.getItem(`${KEY}baseline`) ?? 0);
  const since = Math.max(0, refreshTotal - base);
  const box = $("refresh-count");
  if (!box) return;
  box.textContent = String(since);
  box.dataset.count = String(since);
  $("refresh-total").textContent = String(refreshTotal);
}

function render() {
  const now = Date.now();
  for (const [id, p] of peers) if (now - p.seen > PEER_TIMEOUT_MS) peers.delete(id);
  const all = [status(), ...[...peers.values()].map((p) => p.status)].sort((a, b) => a.tab - b.tab);
  $("tab-count").textContent = String(all.length);
  $("tab-count").dataset.count = String(all.length);
  const life = (s) => (s.exp === null || s.state !== "logged in" ? "—" : duration(s.exp * 1000 - now));
  $("tab-table").tBodies[0].replaceChildren(...all.map((s) => el("tr", { "data-tab": s.tab, class: s.tab === tabId ? "me" : "" },
    el("th", { scope: "row", text: s.tab === tabId ? `tab ${s.tab} (this tab)` : `tab ${s.tab}` }),
    el("td", { "data-col": "generation", text: s.mode === "guide" ? "none (hand-written)" : s.generation === null ? "—" : String(s.generation) }),
    el("td", { "data-col": "token", class: "mono", text: s.token ?? "—" }),
    el("td", { "data-col": "life", text: life(s) }),
    el("td", { "data-col": "state", class: s.state === "logged in" ? "state-ok" : "state-out", text: s.detail ? `${s.state}: ${s.detail}` : s.state }))));
  const host = $("tab-self");
  host.dataset.generation = me.generation === null ? "" : String(me.generation);
  host.dataset.state = me.state;
  $("self-generation").textContent = mode === "guide" ? "none (hand-written code)" : me.generation === null ? "—" : String(me.generation);
  $("self-life").textContent = life(status());
  $("self-state").textContent = me.detail ? `${me.state}: ${me.detail}` : me.state;
  $("self-token").textContent = me.token ? tokenId(me.token) : "—";
}

// ---------------------------------------------------------------- faultline mode
function startFaultline() {
  tokens = createTokenManager({
    channel: "playground",
    // The demo expires tokens seconds after a login; in an app keep the default guard.
    minRefreshIntervalMs: 0,
    refresh: async (refreshToken, { signal }) => {
      const how = tokens.stats().webLocks ? "holding the Web Lock" : "holding the lease";
      log(`sends the refresh request (${how})`, "refresh");
      const r = await fetch("/api/v1/auth/refresh", {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ refresh: refreshToken }), signal,
      });
      const body = await r.json().catch(() => null);
      pollStats();
      if (!r.ok) throw Object.assign(new Error(body?.detail ?? `HTTP ${r.status}`), { status: r.status });
      return body;
    },
    onLogout: (reason) => {
      setLoggedOut(reason);
      log(`logged out (${reason})`, "logout");
    },
  });
  tokens.onChange((e) => {
    if (e.type === "token") {
      setToken(e.accessToken, e.generation);
      log(`now on generation ${e.generation}`, "token");
    }
  });
  client = createClient({
    baseUrl: location.origin, tokens, retry: false,
    onEvent: (e) => { if (e.type === "token_rejected") log("GET /api/v1/uploads/ → 401: token invalidated", "rejected"); },
  });
  // A session another tab started earlier.
  if (tokens.stats().hasSession) {
    tokens.getAccessToken().then((t) => setToken(t, tokens.stats().generation), () => setLoggedOut(""));
  }
}

async function callApi() {
  if (mode === "guide") return guideCallApi();
  if (!tokens?.stats().hasSession) return;
  try {
    await client.request("GET", "/api/v1/uploads/");
    log(`GET /api/v1/uploads/ → 200 (generation ${tokens.stats().generation})`, "ok");
  } catch (e) {
    log(`GET /api/v1/uploads/ failed: ${e.classification?.action ?? errorText(e)}`, "error");
  }
}

// ---------------------------------------------------------------- hand-written mode
function startGuide() {
  guide = guideTokenRefresher({
    channelName: "faultline-playground-guide",
    storagePrefix: `${KEY}guide.`,
    onRefreshed: (access, mine) => {
      // A tab whose refresh was refused has gone to the login page: it takes nothing more.
      if (!mine && me.detail.startsWith("refresh refused")) return;
      guideAccess = access;
      setToken(access, null);
      if (mine) log("refreshed (hand-written code)", "refresh");
    },
    onFailed: (status, body) => {
      guideAccess = null;
      const why = body?.detail ?? `HTTP ${status}`;
      setLoggedOut(`refresh refused, ${why}`);
      log(`refresh refused (${status} ${why}): the server saw a reused refresh token and revoked the session; logged out`, "logout");
      pollStats();
    },
  });
  guideAccess = localStorage.getItem(`${KEY}guide.access_token`);
  if (guideAccess) setToken(guideAccess, null);
}

async function guideCallApi() {
  const token = guideAccess; // what this tab holds right now
  if (!token) return;
  const r = await fetch("/api/v1/uploads/", { headers: { authorization: `Bearer ${token}` } });
  if (r.status === 401) {
    log("GET /api/v1/uploads/ → 401: refreshing (hand-written code)", "rejected");
    await guide.refreshToken();
    pollStats();
  } else {
    log(`GET /api/v1/uploads/ → ${r.status}`, r.ok ? "ok" : "error");
  }
  // The guide sends the request again with the new token, if there is one.
  if (r.status === 401 && guideAccess && guideAccess !== token) {
    const again = await fetch("/api/v1/uploads/", { headers: { authorization: `Bearer ${guideAccess}` } });
    log(`GET /api/v1/uploads/ again → ${again.status}${again.status === 401 ? ": this session was revoked too" : ""}`, again.ok ? "ok" : "error");
  }
}

// ---------------------------------------------------------------- switching and actions
function stopMode() {
  tokens?.dispose();
  tokens = null;
  client?.retryPolicy?.free?.();
  client = null;
  guide?.close();
  guide = null;
  guideAccess = null;
}

function startMode() {
  me.generation = null;
  setLoggedOut("");
  if (mode === "guide") startGuide();
  else startFaultline();
  $("guide-switch").checked = mode === "guide";
  $("tab-self").dataset.mode = mode;
}

async function login() {
  const s = await (await fetch("/api/_stats")).json();
  localStorage.setItem(`${KEY}baseline`, String(s.refreshRequests));
  control.postMessage({ type: "count" });
  const r = await fetch("/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(LOGIN) });
  const pair = await r.json();
  if (mode === "guide") {
    // The guide keeps both tokens in localStorage and tells the other tabs.
    localStorage.setItem(`${KEY}guide.access_token`, pair.access);
    localStorage.setItem(`${KEY}guide.refresh_token`, pair.refresh);
    guideAccess = pair.access;
    setToken(pair.access, null);
    control.postMessage({ type: "guide-login" });
    log("logged in (hand-written code: tokens in localStorage)", "login");
  } else {
    tokens.setTokens(pair);
    log("logged in (setTokens)", "login");
  }
  pollStats();
}

async function expireNow() {
  await fetch("/api/_expire", { method: "POST" });
  log("expired every access token at the mock API: each tab's next call gets a 401", "expire");
  control.postMessage({ type: "expire" });
  await callApi();
}

async function logout() {
  if (mode === "guide") {
    localStorage.removeItem(`${KEY}guide.access_token`);
    localStorage.removeItem(`${KEY}guide.refresh_token`);
    control.postMessage({ type: "guide-logout" });
    setLoggedOut("user");
    log("logged out (user)", "logout");
  } else {
    await tokens.logout();
  }
}

async function switchMode(next) {
  if (next === mode) return;
  if (mode === "faultline") await tokens?.logout().catch(() => {});
  localStorage.removeItem(`${KEY}guide.access_token`);
  localStorage.removeItem(`${KEY}guide.refresh_token`);
  localStorage.setItem(`${KEY}mode`, next);
  control.postMessage({ type: "mode", mode: next });
  applyMode(next);
  log(next === "guide" ? "switched every tab to the hand-written code" : "switched every tab to createTokenManager()", "mode");
}

function applyMode(next) {
  stopMode();
  mode = next;
  startMode();
}

function onControl({ data }) {
  if (!data || typeof data !== "object") return;
  if (data.type === "status") {
    peers.set(data.status.tab, { status: data.status, seen: Date.now() });
    render();
  } else if (data.type === "hello") {
    announce();
  } else if (data.type === "bye") {
    peers.delete(data.tab);
    render();
  } else if (data.type === "log") {
    addLog(data.entry);
  } else if (data.type === "expire") {
    callApi();
  } else if (data.type === "mode") {
    applyMode(data.mode);
  } else if (data.type === "count") {
    renderCount();
  } else if (data.type === "guide-login" && mode === "guide") {
    guideAccess = localStorage.getItem(`${KEY}guide.access_token`);
    if (guideAccess) setToken(guideAccess, null);
  } else if (data.type === "guide-logout" && mode === "guide") {
    guideAccess = null;
    setLoggedOut("user");
  }
}

function build(host) {
  host.replaceChildren(
    el("div", { class: "tabs-grid" },
      el("div", { class: "box tab-self", id: "tab-self" },
        el("h3", {}, "This is ", el("strong", { text: `tab ${tabId}` })),
        el("dl", { class: "facts" },
          el("dt", { text: "Generation" }), el("dd", { id: "self-generation" }),
          el("dt", { text: "Token id" }), el("dd", { id: "self-token", class: "mono" }),
          el("dt", { text: "Token life left" }), el("dd", { id: "self-life" }),
          el("dt", { text: "State" }), el("dd", { id: "self-state" })),
        el("div", { class: "row" },
          el("button", { type: "button", id: "open-tab", text: "Open another tab" }),
          el("button", { type: "button", id: "tab-login", class: "ghost", text: "Log in" }),
          el("button", { type: "button", id: "expire", class: "warn", text: "Expire the token now" }),
          el("button", { type: "button", id: "call-api", class: "ghost", text: "Call the API" }),
          el("button", { type: "button", id: "tab-logout", class: "ghost", text: "Log out" })),
        el("div", { class: "field switch-field" },
          el("input", { type: "checkbox", id: "guide-switch", role: "switch", "aria-describedby": "guide-help" }),
          el("label", { for: "guide-switch", text: "Hand-written code instead of faultline" })),
        el("p", { class: "hint", id: "guide-help", text: "The hand-written approach from a typical API guide: each tab refreshes on its own over BroadcastChannel and keeps only the new access token." })),
      el("div", { class: "box counters", "aria-live": "polite" },
        el("p", {}, el("span", { class: "big", id: "tab-count", text: "1" }), el("span", { text: " tabs open" })),
        el("p", {}, el("span", { class: "big", id: "refresh-count", text: "0" }),
          el("span", {}, " refresh requests to the mock API since the last login (", el("span", { id: "refresh-total", text: "0" }), " in all)")),
        el("p", { class: "hint" }, "Last refresh: ", el("span", { id: "last-refresh", text: "none yet" })))),
    el("div", { class: "scroll" }, el("table", { id: "tab-table", class: "grid" },
      el("caption", { text: "Every open tab" }),
      el("thead", {}, el("tr", {}, ...["Tab", "Generation", "Token id", "Life left", "State"].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody"))),
    el("h3", { text: "Shared log (newest first)" }),
    el("ol", { id: "tab-log", class: "log", reversed: true, tabIndex: 0, "aria-label": "Shared log of all tabs" }),
  );
  $("open-tab").addEventListener("click", () => window.open("/tab.html", "_blank"));
  $("tab-login").addEventListener("click", login);
  $("expire").addEventListener("click", expireNow);
  $("tab-logout").addEventListener("click", logout);
  $("call-api").addEventListener("click", callApi);
  $("guide-switch").addEventListener("change", (e) => switchMode(e.target.checked ? "guide" : "faultline"));
}

export async function setupTabs(host) {
  build(host);
  // Messages are handled once the panel exists to show them.
  control.onmessage = onControl;
  startMode();
  control.postMessage({ type: "hello", tab: tabId });
  addEventListener("pagehide", () => control.postMessage({ type: "bye", tab: tabId }));
  setInterval(announce, 1000);
  setInterval(pollStats, 1000);
  await pollStats();
}
