// Panel 2, the retry lab: RetryPolicy knobs, the delay schedules of sampled clients, many
// clients against an outage (faultline beside the guide's hand-written backoff), and a live
// createClient() run against the mock flaky endpoint.
import { classify, createClient, RetryPolicy } from "/pkg/browser.mjs";
import { guideBackoffRun } from "./guide.mjs";
import { linePlot, svg } from "./plot.mjs";
import { $, duration, el, errorText } from "./util.mjs";

const JITTERS = ["full", "equal", "decorrelated", "none"];
const COLORS = { full: "#1f5fbf", equal: "#a04a00", decorrelated: "#6b3fa0", none: "#2e7d32", guide: "#b3261e" };
const OUTAGE_MS = 30_000;

/** The knobs as RetryPolicy options. */
function knobs() {
  const num = (id) => Number($(id).value);
  return {
    baseMs: num("k-base"), capMs: num("k-cap"), maxAttempts: num("k-attempts"), jitter: $("k-jitter").value,
    largeHint: $("k-large").value, maxRetryAfterMs: num("k-maxra"), budget: $("k-budget").checked,
  };
}

/** A small deterministic random source (mulberry32), so the guide's clients are reproducible. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function withPolicy(options, fn) {
  const p = new RetryPolicy(options);
  try {
    return fn(p);
  } finally {
    p.free();
  }
}

function drawSchedules(opts) {
  const retries = Math.max(1, opts.maxAttempts - 1);
  const series = [];
  for (const jitter of JITTERS) {
    const seeds = jitter === "none" ? [1] : [11, 22, 33];
    for (const seed of seeds) {
      const delays = withPolicy({ ...opts, jitter, seed }, (p) => p.schedule(retries));
      const selected = jitter === opts.jitter;
      series.push({
        name: `${jitter} #${seed}`, legend: `${jitter}${jitter === "none" ? "" : " (3 clients)"}`, color: COLORS[jitter],
        points: delays.map((d, i) => [i + 1, d / 1000]), width: selected ? 2.5 : 1.2, markers: true, faded: !selected,
        dash: jitter === "none" ? "6 4" : undefined,
      });
    }
  }
  linePlot($("schedule-plot"), {
    series, xLabel: "retry number", yLabel: "wait before it (s)", label: `Delay schedules for ${retries} retries; selected jitter ${opts.jitter}`,
    xMax: retries,
  });
  $("schedule-plot").dataset.retries = String(retries);
}

/** Requests per 1 s bin. */
function perSecond(times, bins) {
  const counts = new Array(bins).fill(0);
  for (const t of times) {
    const b = Math.floor(t / 1000);
    if (b >= 0 && b < bins) counts[b]++;
  }
  return counts;
}

function drawOutage(opts) {
  const n = Math.min(2000, Math.max(1, Math.round(Number($("o-clients").value) || 200)));
  const down = (t) => t < OUTAGE_MS;
  const throttled = classify({ status: 429, headers: {}, body: "" });
  const ours = [];
  let oursGaveUp = 0;
  const rand = seeded(7);
  const starts = Array.from({ length: n }, () => rand() * 1000);
  for (let i = 0; i < n; i++) {
    withPolicy({ ...opts, seed: 1000 + i }, (p) => {
      let t = starts[i];
      let attempt = 1;
      let throttledRetries = 0;
      let previousDelayMs = null;
      for (;;) {
        ours.push(t);
        if (!down(t)) return;
        const d = p.decide({ attempt, classification: throttled, method: "GET", elapsedMs: t - starts[i], throttledRetries, previousDelayMs });
        if (!d.retry) {
          oursGaveUp++;
          return;
        }
        if (d.throttled) throttledRetries++;
        previousDelayMs = d.delayMs;
        t += d.delayMs;
        attempt++;
      }
    });
  }
  const guide = [];
  let guideFailed = 0;
  const grand = seeded(99);
  for (let i = 0; i < n; i++) {
    const run = guideBackoffRun(starts[i], (t) => ({ status: down(t) ? 429 : 200 }), grand);
    guide.push(...run.sent);
    if (!run.ok) guideFailed++;
  }
  const last = Math.max(...ours, ...guide);
  const bins = Math.min(120, Math.max(45, Math.ceil(last / 1000) + 2));
  const a = perSecond(ours, bins);
  const b = perSecond(guide, bins);
  const pts = (counts) => counts.flatMap((c, i) => [[i, c], [i + 1, c]]);
  linePlot($("outage-plot"), {
    series: [
      { name: "faultline", legend: `faultline RetryPolicy (jitter ${opts.jitter})`, color: COLORS.full, points: pts(a), width: 2 },
      { name: "guide", legend: "hand-written guide backoff", color: COLORS.guide, points: pts(b), width: 2, dash: "5 3" },
    ],
    xLabel: "time since the outage began (s)", yLabel: "requests per second", label: `Requests per second from ${n} clients during a 30 s outage`,
    band: { from: 0, to: 30, label: "outage (429)" }, xMax: bins,
  });
  const during = (times) => times.filter(down).length;
  // The first second holds every client's first request whatever the policy; the waves after
  // it are what retries add (synchronised retries hit a struggling server all at once).
  const wave = (counts) => Math.max(0, ...counts.slice(5));
  const box = $("outage-summary");
  box.dataset.waveFaultline = String(wave(a));
  box.dataset.waveGuide = String(wave(b));
  box.dataset.clients = String(n);
  box.textContent = `${n} clients. faultline: ${during(ours)} requests during the outage, largest wave after the first 5 s ` +
    `${wave(a)}/s; ${oursGaveUp} calls ended early with an error that says when to come back. Guide: ${during(guide)} requests ` +
    `during the outage, largest wave after 5 s ${wave(b)}/s; ${guideFailed} calls still failing at the end.`;
}

function redraw() {
  const error = $("k-error");
  let opts;
  try {
    opts = knobs();
    withPolicy(opts, () => {});
    error.hidden = true;
  } catch (e) {
    error.textContent = errorText(e);
    error.hidden = false;
    return;
  }
  drawSchedules(opts);
  drawOutage(opts);
}

/** Draws the live run as a time line: attempts as dots, waits as bars named by what set them. */
function drawTimeline(host, steps, totalMs) {
  const width = Math.max(300, host.clientWidth || 600);
  const height = 64;
  const line = 30;
  const m = { left: 12, right: 12 };
  const span = Math.max(totalMs, 1);
  const X = (t) => m.left + (t / span) * (width - m.left - m.right);
  const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart", "aria-label": "Attempts and waits of the live run" });
  root.append(svg("line", { x1: m.left, x2: width - m.right, y1: line, y2: line, class: "axis" }));
  root.append(svg("text", { x: m.left, y: 12, class: "tick" }, "0 s"));
  root.append(svg("text", { x: width - m.right, y: 12, class: "tick", "text-anchor": "end" }, duration(totalMs)));
  for (const s of steps.filter((x) => x.kind === "wait")) {
    root.append(svg("rect", { x: X(s.at), y: line - 6, width: Math.max(2, X(s.at + s.ms) - X(s.at)), height: 12, class: "wait-bar" }));
    root.append(svg("text", { x: (X(s.at) + X(s.at + s.ms)) / 2, y: line + 24, class: "tick", "text-anchor": "middle" }, s.short));
  }
  // The attempts on top of the waits.
  for (const s of steps.filter((x) => x.kind === "attempt")) {
    root.append(svg("circle", { cx: X(s.at), cy: line, r: 6, class: s.ok ? "dot-ok" : "dot-fail" }));
  }
  host.replaceChildren(root);
}

async function liveRun() {
  const log = $("live-log");
  const host = $("live-timeline");
  log.replaceChildren();
  host.dataset.state = "running";
  const steps = [];
  const t0 = Date.now();
  const line = (text, cls) => log.append(el("li", { class: cls, text }));
  const query = { fail: Number($("l-fail").value), status: Number($("l-status").value), key: `live-${t0}-${Math.random().toString(36).slice(2)}` };
  if ($("l-ra").value !== "") query.retryAfter = $("l-ra").value;
  const onEvent = (e) => {
    const at = Date.now() - t0;
    if (e.type === "response") {
      steps.push({ kind: "attempt", at, ok: e.status < 400 });
      line(`${duration(at)} — attempt ${e.attempt}: HTTP ${e.status} in ${e.durationMs} ms`, e.status < 400 ? "ok" : "fail");
    } else if (e.type === "retry") {
      const by = e.decision.hintSource ?? "backoff (no hint)";
      steps.push({ kind: "wait", at, ms: e.decision.delayMs, short: `${duration(e.decision.delayMs)} · ${e.decision.hintSource ?? "backoff"}` });
      line(`wait ${duration(e.decision.delayMs)}, set by ${by} (${e.decision.reason})`, "wait");
    } else if (e.type === "give_up") {
      line(`give up after attempt ${e.attempt}: ${e.decision?.reason ?? e.classification.category}` +
        (e.classification.retryAfterMs !== null ? ` — the server asked for ${duration(e.classification.retryAfterMs)}` : ""), "fail");
    }
  };
  let client;
  try {
    client = createClient({ baseUrl: location.origin, retry: knobs(), onEvent });
    const body = await client.request("GET", "/api/v1/flaky", { query });
    line(`done in ${duration(Date.now() - t0)}: ${JSON.stringify(body)}`, "ok");
    host.dataset.state = "ok";
  } catch (e) {
    if (!log.lastElementChild?.textContent.startsWith("give up")) line(errorText(e), "fail");
    host.dataset.state = "failed";
  } finally {
    client?.retryPolicy?.free();
  }
  drawTimeline(host, steps, Date.now() - t0);
}

export function setupRetryLab() {
  $("retry-form").addEventListener("input", redraw);
  $("retry-form").addEventListener("submit", (e) => e.preventDefault());
  $("o-clients").addEventListener("change", redraw);
  $("live-form").addEventListener("submit", (e) => {
    e.preventDefault();
    liveRun();
  });
  let width = 0;
  new ResizeObserver(() => {
    const w = $("schedule-plot").clientWidth;
    if (w !== width) {
      width = w;
      redraw();
    }
  }).observe($("schedule-plot"));
  redraw();
}
