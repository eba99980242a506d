/**
 * The abort signal of a fast-path call, made on demand: most calls end without anyone looking at
 * their signal, so its AbortController, and the watch for the client going away, exist only once
 * someone asks for it (or a deadline passes).
 *
 * The request and the handler context carry it as an own, enumerable `signal` property (a spread
 * `{ ...req }` in an interceptor reads it, as with connect-es) whose getter is one function shared
 * by every call, never a `get signal()` written in a per-call object literal: each evaluation of such
 * a literal makes a fresh getter closure, and under load that kept every call's objects alive past
 * the young-generation collector, which then copied and promoted about 10 MB per scavenge and took a
 * fifth of the catalog's CPU (tools/results/connect.md).
 */
import type { ServerResponse } from "node:http";
import { Code, ConnectError } from "@connectrpc/connect";

/** The signal of one call: made by the first `get()`, aborted when the client goes away or by `abort`. */
export class CallSignal {
  #controller: AbortController | undefined;
  #onClose: (() => void) | undefined;

  constructor(private readonly res: ServerResponse) {}

  get(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      this.#onClose = () => {
        if (!this.res.writableFinished) this.abort(new ConnectError("the client went away", Code.Canceled));
      };
      this.res.once("close", this.#onClose);
    }
    return this.#controller.signal;
  }

  abort(reason: ConnectError): void {
    this.get();
    this.#controller?.abort(reason);
  }

  /** Stops watching the connection (the call is over). */
  release(): void {
    if (this.#onClose) this.res.off("close", this.#onClose);
  }
}

/** Where a request keeps its CallSignal, and a context its request. */
export const kSignal = Symbol("call signal");
export const kRequest = Symbol("call request");

// One descriptor each, shared by every call: defining `signal` allocates nothing per call.
const requestSignal: PropertyDescriptor = Object.freeze({
  get(this: { [kSignal]: CallSignal }): AbortSignal {
    return this[kSignal].get();
  },
  enumerable: true,
  configurable: true,
});
const contextSignal: PropertyDescriptor = Object.freeze({
  get(this: { [kRequest]: { signal: AbortSignal } }): AbortSignal {
    return this[kRequest].signal;
  },
  enumerable: true,
  configurable: true,
});

/** Gives a request (holding its CallSignal at `kSignal`) a `signal` that makes the AbortSignal when first read. */
export function withSignal<T extends { [kSignal]: CallSignal }>(
  request: T,
): T & { readonly signal: AbortSignal } {
  return Object.defineProperty(request, "signal", requestSignal) as T & { readonly signal: AbortSignal };
}

/** Gives a handler context (holding its request at `kRequest`) a `signal` that reads `request.signal`, as connect-es does. */
export function withSignalOf<T extends { [kRequest]: { signal: AbortSignal } }>(
  context: T,
): T & { readonly signal: AbortSignal } {
  return Object.defineProperty(context, "signal", contextSignal) as T & { readonly signal: AbortSignal };
}
