/**
 * Running a unary call through the function's interceptors, as connect-es does.
 */
import type { Interceptor, UnaryRequest, UnaryResponse } from "@connectrpc/connect";

/** A unary call, before or after interceptors. */
export type UnaryFn = (request: UnaryRequest) => Promise<UnaryResponse>;

/** Wraps `next` in `interceptors`, the first one outermost (connect-es's order). */
export function applyInterceptors(next: UnaryFn, interceptors: Interceptor[]): UnaryFn {
  let wrapped = next;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    wrapped = interceptors[i]!(wrapped as Parameters<Interceptor>[0]) as UnaryFn;
  }
  return wrapped;
}

/** Replaces what `to` holds with `from`, unless an interceptor handed back the very same Headers. */
export function copyHeaders(from: Headers, to: Headers): void {
  if (from === to) return;
  for (const name of [...to.keys()]) to.delete(name);
  from.forEach((value, name) => {
    to.set(name, value);
  });
}
