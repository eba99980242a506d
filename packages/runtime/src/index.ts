/**
 * @shop/runtime: what every Shop function shares. This is its whole public surface; everything not
 * named here is internal.
 */

// Defining and running a function.
export type { App } from "./app.ts";
// Admin actions, recorded for the audit log.
export { type AdminAction, auditJson, recordAdminAction } from "./audit.ts";
// RPCs: authorisation and the interceptor chain.
export {
  type Access,
  type AccessPolicy,
  caller,
  createAuthInterceptor,
  principalKey,
} from "./auth/interceptor.ts";
export { JWKS_HTTP_PATH, JWKS_MAX_AGE_SECONDS, publicKeySet } from "./auth/jwks.ts";
export { JWKS_PATH, keyFromSeed, publicJwk, SIGNING_KEY_PATH, type SigningKey } from "./auth/keys.ts";
export {
  AUDIENCE as TOKEN_AUDIENCE,
  createTokenSigner,
  createTokenVerifier,
  ISSUER as TOKEN_ISSUER,
  type Principal,
  type TokenSigner,
  type TokenVerifier,
} from "./auth/tokens.ts";
// Secrets.
export {
  envSecretStore,
  type FunctionConfig,
  isDevelopment,
  KNATIVE_PROXY_HOPS,
  readConfig,
  type SecretStore,
} from "./config.ts";
export type { Db } from "./db/database.ts";
export { insertWhere } from "./db/insert-where.ts";
export {
  type CancelledOrdersTable,
  cancelledOrdersTable,
  lockOrder,
  markCancelled,
  wasCancelled,
} from "./db/order-guard.ts";
/** The projections' write of a versioned fact: insert, or replace only an older version. */
export { openPGlite, PGLITE_SETTINGS, startVacuum, VACUUM_INTERVAL_MS } from "./db/pglite.ts";
export {
  bytea,
  type OutboxTable,
  outboxTable,
  type ProcessedEventsTable,
  processedEventsTable,
} from "./db/tables.ts";
export { upsertIfNewer } from "./db/upsert-if-newer.ts";
export { Code, DomainError, toConnectError } from "./errors.ts";
// Events: who may deliver them (Knative's sender identity), and the local broker's token issuer.
export { createEventVerifier, type EventVerifier, eventVerifierFor } from "./events/auth.ts";
export {
  defaultEventAudience,
  type EventAuthConfig,
  type EventAuthOption,
  type EventKeys,
  readEventAuthConfig,
} from "./events/auth-config.ts";
export {
  type DecodedEvent,
  decodeEvent,
  fromHttp,
  fromKafkaRecord,
  MalformedEventError,
  PROTOBUF,
  type ShopCloudEvent,
  toCloudEvent,
  toHttpBinary,
  toKafkaRecord,
} from "./events/codec.ts";
export { type DeliveryTokens, deliveryTokensFor } from "./events/delivery-tokens.ts";
export { createEventIssuer, type EventIssuer, type EventIssuerOptions } from "./events/event-issuer.ts";
// Events in.
export {
  ANY_FUNCTION_TYPES,
  type DispatchOutcome,
  type EventContext,
  type EventHandler,
  type EventSubscription,
  expectedSource,
  type OtherEventHandler,
  on,
  PING_TYPE,
  RedeliverAfterCommit,
  recordProcessed,
  type SubscriptionOptions,
  sourceAllowed,
} from "./events/subscriptions.ts";
export {
  defineFunction,
  type FunctionDefinition,
  type RunningFunction,
  type SetupContext,
  type StartOptions,
} from "./function.ts";
export { createHandle, type Handle, type HandleContext } from "./handle.ts";
export { createErrorInterceptor, functionInterceptors } from "./interceptors.ts";
// The event log (Kafka or in memory), logs and metrics.
export {
  createKafkaLog,
  createMemoryLog,
  defaultRedeliveryBackoff,
  type EventLog,
  type KafkaLogOptions,
  type LogLogger,
  type LogRecord,
  type MemoryLogOptions,
  type OutgoingRecord,
  partitionForKey,
  type RecordHandler,
  type RedeliveryBackoff,
  type SubscribeOptions,
  type Subscription,
} from "./log/index.ts";
export { formatLogLine } from "./log-pretty.ts";
export {
  createKafkaLogSink,
  type KafkaLogSink,
  type KafkaLogSinkOptions,
  type LogSinkStats,
} from "./log-ship/kafka-sink.ts";
export { DEFAULT_LOGS_TOPIC, type LogShipping, logShippingFromEnv } from "./log-ship/settings.ts";
export { createLogger, currentLogContext, type Logger, type LogTee, withLogContext } from "./logger.ts";
export { createMetrics, type Metrics } from "./metrics.ts";
export { formatMinor, formatMoney, money } from "./money.ts";
// Verbs: transactions, events out, errors, money, per-aggregate locks.
export type { Emit, EmitAll, Tx } from "./outbox/outbox.ts";
export { type Relay, startRelay } from "./outbox/relay.ts";
export { runFunction } from "./run.ts";
export {
  createSecretStore,
  databaseFromSecrets,
  databaseSecretPath,
  describeVaultError,
  type VaultLogin,
  type VaultSecretStore,
  type VaultStoreOptions,
  vaultOptionsFromEnv,
  vaultSecretStore,
} from "./secrets/index.ts";
export {
  NOTIFICATION_TOKEN_KEY,
  openNotificationToken,
  openPaymentToken,
  PAYMENT_TOKEN_KEY,
  sealNotificationToken,
  sealPaymentToken,
  UnreadableCiphertextError,
} from "./secrets/transit.ts";
export { readBody } from "./server/body.ts";
export type { GetAnswer, GetRequest, GetRoute } from "./server/get-routes.ts";
export { MAX_EVENT_BYTES } from "./server/http.ts";
export { type DualHandler, type DualServer, listenDual } from "./server/listen.ts";
export { answerCors, CLIENT_ADDRESS_HEADER, clientAddress, clientAddressOf } from "./server/security.ts";
export { reusableResponse } from "./server/unary/index.ts";
export { startFunction } from "./start.ts";
// The host decides by the same reading of the OTEL_* variables whether to keep traces itself.
export { type ExporterChoice, type TracingEnv, tracingFromEnv } from "./tracing/config.ts";
// Tracing: the host's own exporter, the runner's spans, the W3C headers.
export { eventAttributes, inSpan, markFailed, ORDER_ID, orderIdOf } from "./tracing/spans.ts";
export {
  contextFromHeaders,
  formatTraceparent,
  headersOfContext,
  parseTraceparent,
  type TraceHeaders,
} from "./tracing/traceparent.ts";
export { startTracing, type Tracing, type TracingOptions } from "./tracing/tracing.ts";
