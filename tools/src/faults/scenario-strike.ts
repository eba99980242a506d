/**
 * The faults of a run, struck while orders are placed (scenario-place.ts): one at a time, in order,
 * each once its threshold of orders placed is passed, in the background.
 */
import type { ScenarioRun, Struck } from "./scenario-run.ts";
import type { Fault } from "./scenario-types.ts";

/** What placing tells the faults, and waits for. */
export interface Striker {
  /** Resolves once order `i` may be placed: not while a fault is in hand and `i` is past the next one's threshold. */
  clear(i: number): Promise<void>;
  /** Counts one more order placed, which may pass a fault's threshold. */
  placedOne(): void;
  /** No more orders come: strikes the faults left and resolves once all are done (rejects if one failed). */
  finish(): Promise<Struck>;
}

/** What the striker and the orders it holds back share. */
interface Strikes {
  /** The faults not struck yet, by threshold. */
  upcoming: Fault[];
  /** The fault in hand, which orders past the next threshold wait for. */
  striking: Promise<void> | undefined;
  placed: number;
  /** Wakes the striker when an order was placed. */
  progressed: () => void;
  struck: Struck;
}

/** Starts striking the faults of `run` as orders are counted. */
export function strikeFaults(run: ScenarioRun): Striker {
  const upcoming = [...run.options.faults].sort((a, b) => a.afterOrders - b.afterOrders);
  const state: Strikes = {
    upcoming,
    striking: undefined,
    placed: 0,
    progressed: () => {},
    struck: { faults: [], at: [] },
  };
  const done = strikeInTurn(run, state);
  // A fault that cannot be struck fails the run where `finish` is awaited, not as an unhandled rejection.
  done.catch(() => {});
  return {
    async clear(i) {
      while (state.striking && upcoming.length > 0 && i >= upcoming[0]!.afterOrders)
        await state.striking.catch(() => {});
    },
    placedOne() {
      state.placed++;
      state.progressed();
    },
    finish() {
      state.placed = Number.POSITIVE_INFINITY;
      state.progressed();
      return done;
    },
  };
}

/** Strikes each fault once its threshold is passed, one after another. */
async function strikeInTurn(run: ScenarioRun, state: Strikes): Promise<Struck> {
  while (state.upcoming.length > 0) {
    while (state.placed < state.upcoming[0]!.afterOrders)
      await new Promise<void>((wake) => (state.progressed = wake));
    await strike(run, state, state.upcoming.shift()!);
  }
  return state.struck;
}

/** Strikes `fault` and records when and for how long. */
async function strike(run: ScenarioRun, state: Strikes, fault: Fault): Promise<void> {
  const t0 = Date.now();
  const at = { name: fault.name, from: t0, to: t0 };
  state.struck.at.push(at);
  run.log(`faults: ${fault.name} (after ${state.placed} orders)`);
  state.striking = fault.strike().then(() => {});
  try {
    await state.striking;
  } finally {
    state.striking = undefined;
  }
  state.struck.faults.push({ name: fault.name, ms: Date.now() - t0 });
  at.to = Date.now();
  run.log(`faults: ${fault.name} done in ${Date.now() - t0} ms`);
}
