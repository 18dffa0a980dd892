// Small DOM helpers shared by the panels.

export const $ = (id) => document.getElementById(id);

/** An element with properties/attributes and children. */
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("data-") || k.startsWith("aria-") || k === "role" || k === "for" || k === "scope") e.setAttribute(k, v === true ? "" : String(v));
    else e[k] = v;
  }
  e.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return e;
}

/** "850 ms", "1.25 s", "2 min 5 s", "1 h 0 min". */
export function duration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  const sign = ms < 0 ? "−" : "";
  const a = Math.abs(ms);
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(a < 10_000 ? 2 : 1)} s`;
  if (a < 3_600_000) return `${sign}${Math.floor(a / 60_000)} min ${Math.floor((a % 60_000) / 1000)} s`;
  return `${sign}${Math.floor(a / 3_600_000)} h ${Math.floor((a % 3_600_000) / 60_000)} min`;
}

/** Wall-clock time with milliseconds, for logs. */
export const clock = (ms) => new Date(ms).toISOString().slice(11, 23);

/** Buttons with data-copy="<id>" copy that element's text; the button says whether it worked. */
export function wireCopyButtons(root = document) {
  for (const b of root.querySelectorAll("button[data-copy]")) {
    b.addEventListener("click", async () => {
      const text = document.getElementById(b.dataset.copy)?.textContent ?? "";
      const label = b.textContent;
      try {
        await navigator.clipboard.writeText(text);
        b.textContent = "Copied";
      } catch {
        // No clipboard permission (an embedded or automated browser): select it for Ctrl+C.
        const range = document.createRange();
        range.selectNodeContents(document.getElementById(b.dataset.copy));
        getSelection()?.removeAllRanges();
        getSelection()?.addRange(range);
        b.textContent = "Selected: press Ctrl+C";
      }
      b.dataset.copied = "true";
      setTimeout(() => { b.textContent = label; }, 1800);
    });
  }
}

/** Shows a FaultlineError (or anything thrown) as "code: message". */
export function errorText(err) {
  return err && typeof err === "object" && "code" in err ? `FaultlineError ${err.code}: ${err.message}` : String(err);
}
