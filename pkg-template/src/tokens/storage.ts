/**
 * Where the shared token record lives: `localStorage` in pages (shared by every tab of the
 * origin, with `storage` events), an in-memory map in Node and workers (shared by the
 * managers of one JavaScript realm), or any synchronous `{getItem, setItem, removeItem}`
 * the caller provides (for example one backed by a `SharedArrayBuffer` across worker threads).
 *
 * The protocol needs a synchronous read before every decision (the record is the source of
 * truth), which is why asynchronous stores such as IndexedDB cannot back it.
 * @module
 */

/** A synchronous key-value store, the subset of the Web Storage API the manager uses. */
export interface TokenStorage {
  /** The value, or `null`. */
  getItem(key: string): string | null;
  /** Stores a value. */
  setItem(key: string, value: string): void;
  /** Removes a value. */
  removeItem(key: string): void;
}

/** Which storage a manager ended up with. */
export type StorageKind = "local" | "memory" | "custom";

const memoryMap = new Map<string, string>();
/** Managers using each in-memory record: the last one to go removes it (and its tokens). */
const memoryUsers = new Map<string, number>();

/** The realm-wide in-memory store (shared by every manager of this JavaScript realm). @internal */
export const memoryStorage: TokenStorage = {
  getItem: (key) => memoryMap.get(key) ?? null,
  setItem: (key, value) => void memoryMap.set(key, String(value)),
  removeItem: (key) => void memoryMap.delete(key),
};

/** `localStorage` if this is a page and it works (it throws in sandboxed frames). @internal */
function workingLocalStorage(): Storage | undefined {
  if (typeof document === "undefined") return undefined;
  try {
    const ls = globalThis.localStorage;
    if (!ls) return undefined;
    const probe = "faultline.probe";
    ls.setItem(probe, probe);
    ls.removeItem(probe);
    return ls;
  } catch {
    return undefined;
  }
}

/** True when `s` has the three methods. @internal */
export function isStorage(s: unknown): s is TokenStorage {
  if (s === null || typeof s !== "object") return false;
  const o = s as Record<string, unknown>;
  return typeof o.getItem === "function" && typeof o.setItem === "function" && typeof o.removeItem === "function";
}

/** The chosen store, its kind, and how to hear about other tabs' writes. @internal */
export interface StorageAdapter {
  /** The store. */
  readonly storage: TokenStorage;
  /** What it is. */
  readonly kind: StorageKind;
  /** Calls `onChange` when another context writes `key`; returns the unsubscribe. */
  watch(key: string, onChange: () => void): () => void;
  /**
   * Registers a manager using `key`; the returned release, called on dispose, removes the
   * record from the in-memory store when no manager of this realm uses it any more (shared
   * stores keep it: other tabs and later page loads rely on it).
   */
  retain(key: string): () => void;
}

const noWatch = (): (() => void) => () => {};
const keep = (): (() => void) => () => {};

function retainMemory(key: string): () => void {
  memoryUsers.set(key, (memoryUsers.get(key) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (memoryUsers.get(key) ?? 1) - 1;
    if (left > 0) {
      memoryUsers.set(key, left);
    } else {
      memoryUsers.delete(key);
      memoryMap.delete(key);
    }
  };
}

/**
 * Picks the store: a custom object as given; `"local"` or the default in a page:
 * `localStorage` when it works; otherwise the in-memory store. Never throws.
 * @internal
 */
export function pickStorage(option: TokenStorage | "local" | "memory" | undefined): StorageAdapter {
  if (isStorage(option)) return { storage: option, kind: "custom", watch: noWatch, retain: keep };
  const ls = option === "memory" ? undefined : workingLocalStorage();
  if (ls === undefined) return { storage: memoryStorage, kind: "memory", watch: noWatch, retain: retainMemory };
  return {
    storage: ls,
    kind: "local",
    retain: keep,
    watch(key, onChange) {
      const listener = (e: StorageEvent): void => {
        // key === null: the page (or the user) cleared the whole storage.
        if (e.storageArea === ls && (e.key === key || e.key === null)) onChange();
      };
      globalThis.addEventListener("storage", listener);
      return () => globalThis.removeEventListener("storage", listener);
    },
  };
}
