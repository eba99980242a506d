/**
 * The Connect routes of redrive and who may call them.
 */
import type { ConnectRouter } from "@connectrpc/connect";
import type { AccessPolicy, App } from "@shop/runtime";
import { DeadLetterService } from "@shop/schemas/redrive/v1/redrive";
import { deadLetterService } from "./rpc/dead-letter-service.ts";
import type { RedriveDeps } from "./setup.ts";

/** Who may call each method: every one is for admins (a method not listed would be too). */
export const policy: AccessPolicy = {
  ListDeadLetters: "admin",
  GetDeadLetter: "admin",
  RedriveDeadLetter: "admin",
  RedriveDeadLetters: "admin",
};

/** Registers DeadLetterService (the back office's view of the dead letters). */
export default function routes(router: ConnectRouter, deps: RedriveDeps, app: App): void {
  router.service(DeadLetterService, deadLetterService(deps, app));
}
