/**
 * What webhooks' handler, RPCs and sender share, built once at start from its config.
 */
import { lookup } from "node:dns/promises";
import type { SetupContext } from "@shop/runtime";
import type { RetrySchedule, WebhooksConfig } from "./config.ts";
import {
  createReport,
  createSend,
  createSender,
  type Resolver,
  type Send,
  type Sender,
  type SigningSecrets,
  signingSecrets,
  type TargetPolicy,
  type WebhooksReport,
} from "./webhooks/index.ts";
import { createWantedTypes, type WantedTypes } from "./webhooks/wanted-types.ts";

/** webhooks' dependencies. */
export interface WebhooksDeps {
  /** The clock deliveries are scheduled and found due by (tests replace it). */
  now: () => Date;
  schedule: RetrySchedule;
  /** Where endpoints may point: the resolver and the allow-list. */
  policy: TargetPolicy;
  /** Keeps and reads endpoints' signing secrets. */
  secrets: SigningSecrets;
  /** Sends one attempt of a delivery. */
  send: Send;
  /** How many due deliveries one round takes. */
  batch: number;
  /** How long deliveries done with stay in the log, in ms. */
  retentionMs: number;
  /** How long a delivery being sent is kept from other replicas, in ms. */
  leaseMs: number;
  report: WebhooksReport;
  /** Sends due deliveries: woken after a commit that added some, and on every tick. */
  sender: Sender;
  /** The event types enabled endpoints ask for: the rest is answered at once, without a transaction. */
  wanted: WantedTypes;
}

/** How stale the wanted types may be: how late another replica's new endpoint starts taking events. */
const WANTED_TYPES_MAX_AGE_MS = 2_000;

/** Every address a host resolves to, as the operating system's resolver answers. */
export const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/** Builds webhooks' dependencies; the sender starts with the function (`onStart`). */
export function setup({ config, app, metrics }: SetupContext<WebhooksConfig>): WebhooksDeps {
  const policy: TargetPolicy = { resolve: systemResolver, allowHosts: config.allowHosts };
  return {
    now: () => new Date(),
    schedule: { baseMs: config.baseMs, maxMs: config.maxMs, horizonMs: config.horizonMs },
    policy,
    secrets: signingSecrets(app.secrets),
    send: createSend(policy, config.timeoutMs),
    batch: config.batch,
    retentionMs: config.retentionMs,
    // Past any attempt's timeout, with room for recording its outcome.
    leaseMs: config.timeoutMs + 30_000,
    report: createReport(metrics, app.logger),
    sender: createSender(),
    wanted: createWantedTypes(app.db, WANTED_TYPES_MAX_AGE_MS),
  };
}
