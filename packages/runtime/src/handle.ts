/**
 * The kn func TypeScript contract: `handle(context, cloudevent)`. A function's `src/index.ts`
 * exports the handle built here, so its events can be invoked the way `func invoke` does.
 */
import type { CloudEvent } from "cloudevents";
import { MalformedEventError, type ShopCloudEvent } from "./events/codec.ts";
import type { DispatchOutcome } from "./events/subscriptions.ts";
import type { FunctionDefinition, RunningFunction, StartOptions } from "./function.ts";
import { startFunction } from "./start.ts";

/** The parts of faas-js-runtime's Context a handler reads. */
export interface HandleContext {
  log?: { info(message: string): void };
}

/** The kn func handle signature: answers with the outcome, or a 400 for a malformed event. */
export type Handle = (
  context: HandleContext,
  cloudevent?: CloudEvent<unknown>,
) => Promise<{ statusCode: number; body: DispatchOutcome | string }>;

/** Builds `handle` for a function; the function starts (without listening) on the first call. */
export function createHandle<Config, Deps>(
  definition: FunctionDefinition<Config, Deps>,
  options: StartOptions<Config, Deps> = {},
): Handle & { close(): Promise<void> } {
  let running: Promise<RunningFunction<Config, Deps>> | undefined;
  const handle = (async (_context, cloudevent) => {
    if (!cloudevent) return { statusCode: 400, body: "a CloudEvent is required" };
    running ??= startFunction(definition, { ...options, listen: false });
    const fn = await running;
    const data = cloudevent.data;
    const event = (
      data instanceof Uint8Array ? cloudevent : cloudevent.cloneWith({ data: undefined }, false)
    ) as ShopCloudEvent;
    try {
      return { statusCode: 200, body: await fn.receive(event) };
    } catch (error) {
      if (error instanceof MalformedEventError) return { statusCode: 400, body: error.message };
      throw error;
    }
  }) as Handle & { close(): Promise<void> };
  handle.close = async () => {
    if (running) await (await running).close();
  };
  return handle;
}
