/**
 * The dependencies of cart, built once per running function: what its routes and handlers share.
 */
import type { SetupContext } from "@shop/runtime";
import type { CartConfig } from "./config.ts";

/** What cart's routes and handlers receive as `deps`. */
export interface CartDeps {
  /** The clock lines are stamped with (tests replace it, so none sleeps). */
  now: () => Date;
}

/** Builds the dependencies of cart. */
export function setup(_context: SetupContext<CartConfig>): CartDeps {
  return { now: () => new Date() };
}
