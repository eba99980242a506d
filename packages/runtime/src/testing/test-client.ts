/**
 * A Connect client of a started function for tests, over the function's own routes and the very
 * interceptor chain its server runs (errors, authorisation, its own), in process.
 */
import type { DescService } from "@bufbuild/protobuf";
import { type Client, createClient, createRouterTransport } from "@connectrpc/connect";
import { createTokenSigner, type Principal } from "../auth/tokens.ts";
import type { RunningFunction } from "../function.ts";

/** Who calls, and what else the requests carry. */
export interface TestClientOptions {
  /** The caller; a token for it is signed with the function's own keys. Absent: anonymous. */
  principal?: Principal;
  /** Headers sent with every request (a client address, an idempotency key). */
  headers?: Record<string, string>;
}

/** A client of `service` on `fn`, calling as `options.principal`. */
export async function testClient<Service extends DescService, Config, Deps>(
  fn: RunningFunction<Config, Deps>,
  service: Service,
  options: TestClientOptions = {},
): Promise<Client<Service>> {
  const headers = { ...options.headers };
  if (options.principal) {
    const { token } = await createTokenSigner(fn.app.secrets).sign(options.principal, 600);
    headers.authorization = `Bearer ${token}`;
  }
  const transport = createRouterTransport((router) => fn.definition.routes?.(router, fn.deps, fn.app), {
    router: { interceptors: fn.interceptors },
    transport: {
      interceptors: [
        (next) => (request) => {
          for (const [name, value] of Object.entries(headers)) request.header.set(name, value);
          return next(request);
        },
      ],
    },
  });
  return createClient(service, transport);
}
