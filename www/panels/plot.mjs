// Small SVG line plots for the playground: axes with units, "nice" ticks, an optional shaded
// band, and an HTML legend under the plot. No chart library: a few dozen lines are enough.
const NS = "http://www.w3.org/2000/svg";

/** An SVG element with attributes. */
export function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Tick values 0, step, 2·step, ... covering [0, max] with about `count` steps of 1, 2 or 5 × 10^k. */
export function ticks(max, count = 5) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1] < max) out.push(Number((out[out.length - 1] + step).toPrecision(12)));
  return out;
}

/**
 * Draws a line plot into `host` (replacing its content), sized to the host's width.
 * series: [{name, points: [[x, y]], color, width?, dash?, markers?, faded?}]
 * band: {from, to, label} shaded on the x axis.
 */
export function linePlot(host, { series, xLabel, yLabel, band, label, height = 260, step = false, xMax, yMax }) {
  const width = Math.max(300, Math.floor(host.clientWidth || 600));
  const m = { top: 14, right: 14, bottom: 44, left: 56 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const allX = series.flatMap((s) => s.points.map((p) => p[0]));
  const allY = series.flatMap((s) => s.points.map((p) => p[1]));
  const xt = ticks(xMax ?? Math.max(1, ...allX), width < 500 ? 4 : 6);
  const yt = ticks(yMax ?? Math.max(1, ...allY), 5);
  const X = (v) => m.left + (v / xt[xt.length - 1]) * w;
  const Y = (v) => m.top + h - (v / yt[yt.length - 1]) * h;
  const root = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label, class: "chart" });
  root.append(svg("title", {}, label));
  if (band) {
    const x0 = X(band.from);
    const x1 = X(Math.min(band.to, xt[xt.length - 1]));
    root.append(svg("rect", { x: x0, y: m.top, width: Math.max(0, x1 - x0), height: h, class: "band" }));
    root.append(svg("text", { x: x0 + 6, y: m.top + 14, class: "band-label" }, band.label));
  }
  for (const v of yt) {
    root.append(svg("line", { x1: m.left, x2: m.left + w, y1: Y(v), y2: Y(v), class: v === 0 ? "axis" : "grid" }));
    root.append(svg("text", { x: m.left - 8, y: Y(v) + 4, class: "tick", "text-anchor": "end" }, String(v)));
  }
  for (const v of xt) {
    root.append(svg("line", { x1: X(v), x2: X(v), y1: m.top + h, y2: m.top + h + 5, class: "axis" }));
    root.append(svg("text", { x: X(v), y: m.top + h + 18, class: "tick", "text-anchor": "middle" }, String(v)));
  }
  root.append(svg("line", { x1: m.left, x2: m.left, y1: m.top, y2: m.top + h, class: "axis" }));
  root.append(svg("text", { x: m.left + w / 2, y: height - 6, class: "axis-label", "text-anchor": "middle" }, xLabel));
  root.append(svg("text", {
    x: 14, y: m.top + h / 2, class: "axis-label", "text-anchor": "middle", transform: `rotate(-90 14 ${m.top + h / 2})`,
  }, yLabel));
  // Faded series first, so the highlighted ones are drawn on top.
  for (const s of [...series].sort((a, b) => Number(!a.faded) - Number(!b.faded))) {
    if (s.points.length === 0) continue;
    let d = "";
    s.points.forEach(([x, y], i) => {
      if (i === 0) d += `M${X(x)},${Y(y)}`;
      else if (step) d += `H${X(x)}V${Y(y)}`;
      else d += `L${X(x)},${Y(y)}`;
    });
    const g = svg("g", { class: s.faded ? "series faded" : "series", "data-series": s.name, "data-points": JSON.stringify(s.points) });
    g.append(svg("path", { d, fill: "none", stroke: s.color, "stroke-width": s.width ?? 2, "stroke-dasharray": s.dash, "stroke-linejoin": "round" }));
    if (s.markers) {
      for (const [x, y] of s.points) g.append(svg("circle", { cx: X(x), cy: Y(y), r: (s.width ?? 2) + 1, fill: s.color }));
    }
    root.append(g);
  }
  const legend = document.createElement("ul");
  legend.className = "legend";
  const seen = new Set();
  for (const s of series) {
    const key = s.legend ?? s.name;
    if (seen.has(key)) continue;
    seen.add(key);
    const li = document.createElement("li");
    const sw = document.createElement("span");
    sw.className = s.dash ? "swatch dashed" : "swatch";
    sw.style.borderColor = s.color;
    li.append(sw, document.createTextNode(key));
    legend.append(li);
  }
  host.replaceChildren(root, legend);
  return root;
}
