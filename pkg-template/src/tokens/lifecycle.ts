/**
 * Page lifecycle for the machine: `visibilitychange` (hidden tabs do not refresh
 * proactively), `pagehide`/`pageshow` (back/forward cache, unload), `online`/`offline`.
 * Everything is feature-detected: in Node nothing is watched, in workers only
 * connectivity.
 * @module
 * @internal
 */

/** What to tell the machine. @internal */
export interface LifecycleHandlers {
  /** `document.visibilityState` changed. */
  visibility(visible: boolean): void;
  /** `navigator.onLine` changed. */
  connectivity(online: boolean): void;
  /** `pagehide`. */
  pageHide(persisted: boolean): void;
  /** `pageshow`. */
  pageShow(persisted: boolean): void;
}

/** The state at start-up (`visible`, `online`). @internal */
export function initialLifecycle(): { visible: boolean; online: boolean } {
  const doc = (globalThis as { document?: Document }).document;
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  return {
    visible: doc?.visibilityState !== "hidden",
    online: nav?.onLine !== false,
  };
}

/** Subscribes; returns the unsubscribe. Never throws. @internal */
export function watchLifecycle(h: LifecycleHandlers): () => void {
  const g = globalThis as { addEventListener?: typeof addEventListener; removeEventListener?: typeof removeEventListener; document?: Document; navigator?: { onLine?: boolean } };
  if (typeof g.addEventListener !== "function") return () => {};
  const doc = g.document;
  const onVisibility = (): void => h.visibility(doc?.visibilityState !== "hidden");
  const onOnline = (): void => h.connectivity(true);
  const onOffline = (): void => h.connectivity(false);
  const onHide = (e: Event): void => h.pageHide((e as PageTransitionEvent).persisted === true);
  const onShow = (e: Event): void => {
    // The first pageshow (persisted false) duplicates the start-up one; only bfcache restores matter.
    if ((e as PageTransitionEvent).persisted === true) h.pageShow(true);
  };
  doc?.addEventListener("visibilitychange", onVisibility);
  g.addEventListener("online", onOnline);
  g.addEventListener("offline", onOffline);
  g.addEventListener("pagehide", onHide);
  g.addEventListener("pageshow", onShow);
  return () => {
    doc?.removeEventListener("visibilitychange", onVisibility);
    g.removeEventListener?.("online", onOnline);
    g.removeEventListener?.("offline", onOffline);
    g.removeEventListener?.("pagehide", onHide);
    g.removeEventListener?.("pageshow", onShow);
  };
}
