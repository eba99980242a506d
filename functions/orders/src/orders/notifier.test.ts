import { describe, expect, it } from "vitest";
import type { OrderRow } from "../db/schema.ts";
import { createOrderNotifier } from "./notifier.ts";

describe("the order notifier", () => {
  const never = new AbortController().signal;

  it("wakes the watchers of the notified order only", async () => {
    const notifier = createOrderNotifier();
    const a = notifier.watch("o-1");
    const b = notifier.watch("o-2");
    const woken = Promise.all([a.next(5_000, never), b.next(20, never)]);
    notifier.notify("o-1");
    await expect(woken).resolves.toEqual(["changed", "timeout"]);
  });

  it("keeps a notification that came while the watcher was busy", async () => {
    const notifier = createOrderNotifier();
    const watch = notifier.watch("o-1");
    notifier.notify("o-1");
    await expect(watch.next(5_000, never)).resolves.toBe("changed");
    await expect(watch.next(10, never)).resolves.toBe("timeout");
  });

  it("answers aborted once the client left or the watch closed, and forgets closed watches", async () => {
    const notifier = createOrderNotifier();
    const abort = new AbortController();
    const watch = notifier.watch("o-1");
    const waiting = watch.next(5_000, abort.signal);
    abort.abort();
    await expect(waiting).resolves.toBe("aborted");
    const pending = watch.next(5_000, never);
    watch.close();
    await expect(pending).resolves.toBe("aborted");
    await expect(watch.next(5_000, never)).resolves.toBe("aborted");
    expect(notifier.size()).toBe(0);
  });

  it("hands the committed row to the watcher once, and forgets it when a later notification has none", async () => {
    const notifier = createOrderNotifier();
    const watch = notifier.watch("o-1");
    const row = { id: "o-1", status: "PRICED" } as unknown as OrderRow;
    notifier.notify("o-1", row);
    await expect(watch.next(5_000, never)).resolves.toBe("changed");
    expect(watch.takeOrder()).toBe(row);
    expect(watch.takeOrder()).toBeUndefined();
    notifier.notify("o-1", row);
    notifier.notify("o-1");
    await expect(watch.next(5_000, never)).resolves.toBe("changed");
    expect(watch.takeOrder()).toBeUndefined();
  });
});
