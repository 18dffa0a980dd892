/**
 * The wake-up channel between tabs. It carries only the protocol's short number-only
 * messages (the Rust wire codec has no field a token could go into); storage stays the
 * source of truth, so a lost or foreign message costs time, never correctness.
 *
 * - `BroadcastChannel` named exactly as the user's `channel` when the record is in shared
 *   storage (`localStorage` or a custom store): it reaches every tab, worker and, in Node,
 *   every worker thread of the process.
 * - An in-realm bus when the record is in the realm's in-memory store: peers that cannot
 *   see the same record must not hear each other, or their generations would interfere.
 * @module
 */

/**
 * Longest message the protocol sends, in characters (the Rust wire codec's byte bound);
 * anything longer is dropped before it is copied anywhere. @internal
 */
export const MAX_MESSAGE_CHARS = 512;

/** How messages travel. */
export type ChannelKind = "broadcast" | "memory";

/** An open channel. @internal */
export interface Channel {
  /** What it is. */
  readonly kind: ChannelKind;
  /** Posts a message to every other endpoint (never to this one). Never throws. */
  post(message: string): void;
  /** Stops listening. Idempotent. */
  close(): void;
}

type Listener = (data: string) => void;
const buses = new Map<string, Set<Listener>>();

function memoryChannel(name: string, onMessage: Listener): Channel {
  let peers = buses.get(name);
  if (peers === undefined) buses.set(name, (peers = new Set()));
  const self: Listener = (data) => onMessage(data);
  peers.add(self);
  let open = true;
  return {
    kind: "memory",
    post(message) {
      if (!open) return;
      for (const peer of peers!) {
        // Delivered as a task, like BroadcastChannel, never inside the sender's call.
        if (peer !== self) setTimeout(() => { if (peers!.has(peer)) peer(message); }, 0);
      }
    },
    close() {
      open = false;
      peers!.delete(self);
      if (peers!.size === 0) buses.delete(name);
    },
  };
}

/**
 * Opens the channel. `shared` is false when the record lives in the realm's private memory
 * (then only the in-realm bus is used). Never throws: a missing or broken
 * `BroadcastChannel` falls back to the in-realm bus.
 * @internal
 */
export function openChannel(name: string, shared: boolean, onMessage: Listener): Channel {
  if (shared && typeof BroadcastChannel === "function") {
    try {
      const bc = new BroadcastChannel(name);
      bc.onmessage = (e: MessageEvent) => {
        // Structured-clone payloads (objects) are never ours: ours are strings.
        if (typeof e.data === "string") onMessage(e.data);
      };
      // Node: an open channel would keep the process alive.
      (bc as unknown as { unref?: () => void }).unref?.();
      let open = true;
      return {
        kind: "broadcast",
        post(message) {
          if (!open) return;
          try {
            bc.postMessage(message);
          } catch {
            // Closed by the environment (e.g. a frozen document): messages are only hints.
          }
        },
        close() {
          if (!open) return;
          open = false;
          bc.onmessage = null;
          bc.close();
        },
      };
    } catch {
      // Fall through to the in-realm bus.
    }
  }
  return memoryChannel(name, onMessage);
}
