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

const kSignal = Symbol("call signal");
const kRequest = Symbol("call request");

/** The getter of `signal` on every request of the fast path. */
function requestSignal(this: { [kSignal]: CallSignal }): AbortSignal {
  return this[kSignal].get();
}
/** The getter of `signal` on every handler context of the fast path: its request's. */
function contextSignal(this: { [kRequest]: { signal: AbortSignal } }): AbortSignal {
  return this[kRequest].signal;
}

/** Gives a request a `signal` property that makes `signal`'s AbortSignal when first read. */
export function withSignal<T extends object>(
  request: T,
  signal: CallSignal,
): T & { readonly signal: AbortSignal } {
  Object.defineProperty(request, kSignal, { value: signal });
  Object.defineProperty(request, "signal", { get: requestSignal, enumerable: true, configurable: true });
  return request as T & { readonly signal: AbortSignal };
}

/** Gives a handler context a `signal` property that reads `request.signal` (as connect-es does). */
export function withSignalOf<T extends object>(
  context: T,
  request: { signal: AbortSignal },
): T & { readonly signal: AbortSignal } {
  Object.defineProperty(context, kRequest, { value: request });
  Object.defineProperty(context, "signal", { get: contextSignal, enumerable: true, configurable: true });
  return context as T & { readonly signal: AbortSignal };
}
