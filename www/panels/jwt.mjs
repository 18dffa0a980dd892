// Panel 3, the JWT inspector: decodeJwt() for the claims (typed errors for bad tokens) and
// tokenTiming() for a live countdown, under a client clock the visitor can put off.
import { decodeJwt, tokenTiming } from "/pkg/browser.mjs";
import { $, duration, errorText } from "./util.mjs";

// When the current token arrived, on the real clock (null: pasted, unknown).
let receivedAtReal = null;
let current = null; // { token, jwt }
let ticker = 0;

/** This page's (possibly wrong) clock: the real one plus the slider's offset. */
const skewMs = () => Number($("skew").value) * 60_000;
const clockNow = () => Date.now() + skewMs();

function b64(o) {
  return btoa(JSON.stringify(o)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A sample access token that expires in five minutes (unsigned: only the claims matter here). */
function sampleToken() {
  const now = Math.floor(Date.now() / 1000);
  receivedAtReal = now * 1000; // made here, so it "arrived" at its iat
  return `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ token_type: "access", exp: now + 300, iat: now, jti: "demo", user_id: 42 })}.c2lnbmF0dXJl`;
}

/** tokenTiming on this page's clock; with the arrival time when it is known. */
function timing(token) {
  const opts = { nowMs: clockNow() };
  if (receivedAtReal !== null) opts.receivedAtMs = receivedAtReal + skewMs();
  return tokenTiming(token, opts);
}

function tick() {
  if (!current) return;
  const t = timing(current.token);
  const now = clockNow();
  $("refresh-in").textContent = t.shouldRefresh ? "now" : duration(t.refreshAtMs - now);
  $("expires-in").textContent = t.expired ? "expired" : duration(t.expiresAtMs - now);
  const view = $("jwt-view");
  view.dataset.expired = String(t.expired);
  view.dataset.expiresInS = String(Math.round((t.expiresAtMs - now) / 1000));
  const { iat, exp } = current.jwt;
  const life = exp !== undefined && exp !== null && iat !== undefined && iat !== null ? (exp - iat) * 1000 : null;
  const bar = $("life-bar");
  if (life && life > 0) {
    const used = Math.min(100, Math.max(0, 100 - ((t.expiresAtMs - now) / life) * 100));
    $("life-fill").style.width = `${used}%`;
    $("refresh-mark").style.left = `${Math.min(100, Math.max(0, 100 - ((t.expiresAtMs - t.refreshAtMs) / life) * 100))}%`;
    bar.setAttribute("aria-valuenow", String(Math.round(used)));
    bar.hidden = false;
  } else {
    bar.hidden = true;
  }
  const naive = exp === undefined || exp === null ? null : exp * 1000 - now;
  $("naive-line").textContent = naive === null
    ? "No exp claim: the token never expires by its claims."
    : `Reading exp against this clock alone would say: ${naive <= 0 ? "expired" : `${duration(naive)} left`}` +
      (receivedAtReal === null ? " (a pasted token: when it arrived is unknown, so this clock is all there is)." : ".");
}

function read() {
  const out = $("jwt-out");
  const err = $("jwt-error");
  const token = $("jwt").value.trim();
  try {
    const jwt = decodeJwt(token);
    current = { token, jwt };
    out.textContent = JSON.stringify({ header: jwt.header, payload: jwt.payload, tokenType: jwt.tokenType ?? null, timing: timing(token) }, null, 2);
    out.dataset.state = "ok";
    $("jwt-header").textContent = JSON.stringify(jwt.header, null, 2);
    $("jwt-payload").textContent = JSON.stringify(jwt.payload, null, 2);
    $("jwt-view").hidden = false;
    err.hidden = true;
    tick();
    clearInterval(ticker);
    ticker = setInterval(tick, 250);
  } catch (e) {
    current = null;
    clearInterval(ticker);
    out.textContent = errorText(e);
    out.dataset.state = "error";
    err.textContent = errorText(e);
    err.dataset.code = e?.code ?? "";
    err.hidden = false;
    $("jwt-view").hidden = true;
  }
}

export function setupJwt() {
  $("decode").addEventListener("click", read);
  $("jwt").addEventListener("input", () => { receivedAtReal = null; });
  $("jwt-sample").addEventListener("click", () => {
    $("jwt").value = sampleToken();
    read();
  });
  $("jwt-login").addEventListener("click", async () => {
    const r = await fetch("/api/v1/auth/login", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "demo", password: "correct horse" }),
    });
    const pair = await r.json();
    receivedAtReal = Date.now();
    $("jwt").value = pair.access;
    read();
  });
  $("skew").addEventListener("input", () => {
    const m = Number($("skew").value);
    $("skew-out").textContent = `${m > 0 ? "+" : ""}${m} min`;
    if (current) read();
  });
  $("jwt").value = sampleToken();
}
