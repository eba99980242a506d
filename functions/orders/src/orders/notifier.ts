/**
 * In-process wake-ups for WatchOrder: an event handler that changed an order notifies, and the
 * order's watchers in this process see it at once instead of at their next poll: from the row the
 * handler committed when it hands one over (no read), else by reading it again. Watchers still poll,
 * since another replica may have handled the event.
 */
import type { OrderRow } from "../db/schema.ts";

/** Why a watcher woke up. */
export type WakeReason = "changed" | "timeout" | "aborted";

/** One watcher's subscription to one order. */
export interface OrderWatch {
  /**
   * Resolves "changed" once the order was notified since the previous call, "timeout" after
   * `timeoutMs`, or "aborted" when `signal` aborts, whichever comes first.
   */
  next(timeoutMs: number, signal: AbortSignal): Promise<WakeReason>;
  /** The row the last notification handed over, if it did (taken: a second call says undefined). */
  takeOrder(): OrderRow | undefined;
  /** Stops watching; a pending or later `next` resolves "aborted". */
  close(): void;
}

/** Notifies the watchers of an order. */
export interface OrderNotifier {
  /**
   * Wakes every watcher of `orderId` (a notification between two `next` calls is kept, not lost),
   * with `order` as committed when the notifier has it, so they need not read it again.
   */
  notify(orderId: string, order?: OrderRow): void;
  /** Subscribes to `orderId`; call before reading the order, so that no change slips in between. */
  watch(orderId: string): OrderWatch;
  /** How many watches are open (for tests and metrics). */
  size(): number;
}

interface Listener {
  pending: boolean;
  wake: ((reason: WakeReason) => void) | undefined;
  order: OrderRow | undefined;
}

/**
 * Creates an empty notifier: one per running orders function, built by its `setup` and shared by its
 * saga handlers (which notify) and WatchOrder (which watches).
 */
export function createOrderNotifier(): OrderNotifier {
  const listeners = new Map<string, Set<Listener>>();
  let open = 0;
  return {
    notify(orderId, order) {
      for (const listener of listeners.get(orderId) ?? []) {
        // Without a row, the watcher must read: forget an older one it may still hold.
        listener.order = order;
        if (listener.wake) listener.wake("changed");
        else listener.pending = true;
      }
    },
    size: () => open,
    watch(orderId) {
      const listener: Listener = { pending: false, wake: undefined, order: undefined };
      let set = listeners.get(orderId);
      if (!set) {
        set = new Set();
        listeners.set(orderId, set);
      }
      set.add(listener);
      open++;
      let closed = false;
      return {
        next(timeoutMs, signal) {
          if (closed || signal.aborted) return Promise.resolve("aborted");
          if (listener.pending) {
            listener.pending = false;
            return Promise.resolve("changed");
          }
          return new Promise((resolve) => {
            const finish = (reason: WakeReason) => {
              clearTimeout(timer);
              signal.removeEventListener("abort", onAbort);
              listener.wake = undefined;
              resolve(reason);
            };
            const onAbort = () => finish("aborted");
            const timer = setTimeout(() => finish("timeout"), timeoutMs);
            signal.addEventListener("abort", onAbort, { once: true });
            listener.wake = finish;
          });
        },
        takeOrder() {
          const order = listener.order;
          listener.order = undefined;
          return order;
        },
        close() {
          if (closed) return;
          closed = true;
          open--;
          listener.wake?.("aborted");
          set.delete(listener);
          if (set.size === 0) listeners.delete(orderId);
        },
      };
    },
  };
}
