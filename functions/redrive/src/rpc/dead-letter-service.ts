/**
 * DeadLetterService over Connect: convert the request, call a verb, convert the result. Refusals are
 * the verbs' DomainErrors, which the runtime's error interceptor turns into Connect codes.
 */
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { type App, caller } from "@shop/runtime";
import {
  type DeadLetterService,
  GetDeadLetterResponseSchema,
  ListDeadLettersResponseSchema,
  RedriveDeadLetterResponseSchema,
  RedriveDeadLettersResponseSchema,
} from "@shop/schemas/redrive/v1/redrive";
import {
  eventTypeMissing,
  filterTooLong,
  getDeadLetter,
  lettersToRedrive,
  listDeadLetters,
  MAX_FILTER_LENGTH,
  redriveLetter,
  redriveLetters,
} from "../redrive/index.ts";
import type { RedriveDeps } from "../setup.ts";
import { dataAsJson, kindOf, stateOf, toDeadLetter } from "./messages.ts";

/** The implementation of DeadLetterService with redrive's `deps`, on `app`. */
export function deadLetterService(deps: RedriveDeps, app: App): ServiceImpl<typeof DeadLetterService> {
  return {
    async listDeadLetters(request) {
      const kind = kindOf(request.kind);
      const state = stateOf(request.state);
      const page = await listDeadLetters(app.db, {
        filters: {
          eventType: request.eventType,
          reasonContains: request.reasonContains,
          ...(kind ? { kind } : {}),
          ...(state ? { state } : {}),
        },
        pageSize: request.pageSize,
        pageToken: request.pageToken,
      });
      const now = deps.now();
      return create(ListDeadLettersResponseSchema, {
        letters: page.letters.map((letter) => toDeadLetter(letter, now)),
        nextPageToken: page.nextPageToken,
      });
    },

    async getDeadLetter(request) {
      const letter = await getDeadLetter(app.db, { id: request.id });
      return create(GetDeadLetterResponseSchema, {
        letter: toDeadLetter(letter, deps.now()),
        attributes: letter.attributes,
        data: letter.data,
        dataJson: dataAsJson(letter),
      });
    },

    async redriveDeadLetter(request, context) {
      const letter = await getDeadLetter(app.db, { id: request.id });
      const audit = { actor: caller(context), action: "redrive.RedriveDeadLetter" };
      const result = await redriveLetter(app, { letter, audit }, deps);
      if (result.redriven) deps.report.redriven(result.outcome);
      // The letter as it is now, after the outcome was recorded.
      const after = await getDeadLetter(app.db, { id: letter.id });
      return create(RedriveDeadLetterResponseSchema, {
        letter: toDeadLetter(after, deps.now()),
        redrivenNow: result.redriven,
      });
    },

    async redriveDeadLetters(request, context) {
      if (request.eventType === "") throw eventTypeMissing();
      if (request.eventType.length > MAX_FILTER_LENGTH) throw filterTooLong("event type", MAX_FILTER_LENGTH);
      const ids = await lettersToRedrive(app.db, { eventType: request.eventType });
      const audit = { actor: caller(context), action: "redrive.RedriveDeadLetters" };
      const outcomes = await redriveLetters(app, { ids, audit, batch: deps.batch }, deps);
      for (const outcome of outcomes) deps.report.redriven(outcome);
      const redriven = outcomes.filter((o) => o.outcome === "redriven").length;
      return create(RedriveDeadLettersResponseSchema, {
        attempted: outcomes.length,
        redriven,
        failed: outcomes.length - redriven,
      });
    },
  };
}
