/**
 * What the phases of a fault run share (scenario.ts lists them): the run itself, read by every phase,
 * and each phase's result, handed to the phases after it.
 */
import { type ELDHistogram, monitorEventLoopDelay } from "node:perf_hooks";
import type { ShopClients } from "@shop/platform";
import type { openBooks } from "./books.ts";
import type { ScenarioOptions } from "./scenario-types.ts";

/** The run: its options, where it logs, when it started. */
export interface ScenarioRun {
  readonly options: ScenarioOptions;
  readonly log: (line: string) => void;
  readonly started: number;
  /** This process's event-loop delay: enabled when placing starts, disabled when the run ends. */
  readonly loopDelay: ELDHistogram;
}

/** The SQL client over the functions' schemas that settling and the report read. */
export type Books = ReturnType<typeof openBooks>;

/** What seeding made: the products (by id) with their initial stock, and the customers who order. */
export interface Seeded {
  products: string[];
  initialStock: Record<string, number>;
  customers: ShopClients[];
}

/** Each fault once struck: how long it took, and from when to when (epoch ms). */
export interface Struck {
  faults: { name: string; ms: number }[];
  at: { name: string; from: number; to: number }[];
}

/** What placing did, the faults struck meanwhile included. */
export interface Placed {
  /** Every order of the run, the one seeding placed to learn the products included. */
  orderIds: string[];
  /** PlaceOrder calls retried because of a fault. */
  retried: number;
  /** When placing started (epoch ms), and how long it took. */
  placing: number;
  placingMs: number;
  struck: Struck;
}

/** What was delivered again: how many duplicates, and the id of the one malformed event. */
export interface Redelivered {
  duplicates: number;
  poisonId: string;
}

/** What did not settle by the deadline (empty when everything did), and how long settling took. */
export interface Settled {
  unsettled: string[];
  settleMs: number;
}

/** Every phase's result, which the report reads. */
export interface ScenarioState {
  seeded: Seeded;
  placed: Placed;
  redelivered: Redelivered;
  settled: Settled;
}

/** A run of `options`, starting now. */
export function startRun(options: ScenarioOptions): ScenarioRun {
  return {
    options,
    log: options.log ?? (() => {}),
    started: Date.now(),
    loopDelay: monitorEventLoopDelay({ resolution: 20 }),
  };
}
