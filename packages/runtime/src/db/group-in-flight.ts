/**
 * Group commit for writes that each commit by themselves: one write at a time, and the items given
 * while it is under way go together in the next one. An item given when nothing is under way is
 * written at once, alone, so grouping never waits for company: an item waits at most for the one
 * write ahead of it, where it would otherwise have run beside it on another connection.
 *
 * Nothing else changes for a caller: its promise resolves once the write that carried its item
 * committed, and rejects with that write's error. When a group's write fails, each of its items is
 * written again alone, so an item the database refuses fails only its own caller (as the producer's
 * publish queue does with records, log/publish-queue.ts).
 */

/** Writes `items` (at least one) with one statement. */
export type WriteGroup<T> = (items: T[]) => Promise<void>;

/** Items one write carries at most. */
export const GROUP_MAX = 100;

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** `write(item)`: one group write at a time, each carrying what was given meanwhile. */
export function groupInFlight<T>(write: WriteGroup<T>, max = GROUP_MAX): (item: T) => Promise<void> {
  let waiting: Waiting<T>[] | undefined;

  async function drain(queue: Waiting<T>[]): Promise<void> {
    try {
      while (queue.length > 0) {
        const taken = queue.splice(0, max);
        try {
          await write(taken.map((w) => w.item));
          for (const w of taken) w.resolve();
        } catch (error) {
          if (taken.length === 1) taken[0]!.reject(error);
          else await alone(taken);
        }
      }
    } finally {
      waiting = undefined;
    }
  }

  async function alone(taken: Waiting<T>[]): Promise<void> {
    for (const w of taken) {
      try {
        await write([w.item]);
        w.resolve();
      } catch (error) {
        w.reject(error);
      }
    }
  }

  return (item: T) =>
    new Promise<void>((resolve, reject) => {
      if (waiting) {
        waiting.push({ item, resolve, reject });
        return;
      }
      waiting = [{ item, resolve, reject }];
      void drain(waiting);
    });
}
