/**
 * The routes of a function, recorded once so they can be served twice: by the unary fast path and by
 * connect-node.
 */
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import {
  type ConnectRouter,
  createMethodImplSpec,
  createServiceImplSpec,
  type MethodImplSpec,
} from "@connectrpc/connect";
import { createMethodUrl } from "@connectrpc/connect/protocol";

/** Routes as a function registers them, kept so they can be served twice: fast path and connect-node. */
export interface CapturedRoutes {
  /** Registers the same routes on another router (connect-node's). */
  replay(router: ConnectRouter): void;
  /** The unary methods by request path (`/shop.catalog.v1.CatalogService/GetProduct`). */
  unary: Map<string, MethodImplSpec & { kind: "unary" }>;
}

/** Calls `routes` once with a recording router. Services registered with options stay on connect-node. */
export function captureRoutes(routes: (router: ConnectRouter) => void): CapturedRoutes {
  const calls: ((router: ConnectRouter) => void)[] = [];
  const unary = new Map<string, MethodImplSpec & { kind: "unary" }>();
  const add = (spec: MethodImplSpec) => {
    if (spec.kind === "unary") unary.set(createMethodUrl("/", spec.method), spec);
  };
  const recorder = {
    handlers: [],
    service(service: DescService, impl: object, options?: object) {
      calls.push((router) => router.service(service, impl as never, options as never));
      if (!options) for (const spec of Object.values(createServiceImplSpec(service, impl).methods)) add(spec);
      return recorder;
    },
    rpc(method: DescMethod, impl: unknown, options?: object) {
      calls.push((router) => router.rpc(method as never, impl as never, options as never));
      if (!options) add(createMethodImplSpec(method, impl as never));
      return recorder;
    },
  } as unknown as ConnectRouter;
  routes(recorder);
  return {
    replay(router) {
      for (const call of calls) call(router);
    },
    unary,
  };
}
