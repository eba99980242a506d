/**
 * @shop/platform: Shop on one machine. The runner that plays Knative's Kafka broker, the Kafka log
 * with its consumer side, the embedded host (every function, the storefront and the docs on one port),
 * the local gateway and the supervisor of one process per function. This is its whole public surface.
 */

// Reaching it: Connect clients of every service, loopback helpers.
export { loginAs, placeOrderWhenKnown, type ShopClients, shopClients } from "./clients.ts";
// The functions it runs: the one list.
export {
  type Classifiable,
  type Classification,
  classifyDeadLetter,
  DEV_ADMIN,
  functionNames,
  KAFKA_EVENT_TYPE,
  shopFunction,
  shopFunctions,
} from "./functions.ts";
// Traces: the embedded store fed by its exporter, and Zipkin's read API on the shop's port.
export { admitAdmin } from "./host/admin-access.ts";
export { createAdminEvents, type WireRecord } from "./host/admin-events.ts";
export { createDocsHandler, docsDir } from "./host/docs.ts";
export { createGateway, type Target } from "./host/gateway.ts";
export { type BuildBundles, type FunctionProcesses, startFunctionProcesses } from "./host/processes.ts";
// The host: one port for every function, the storefront, the docs and the event stream.
export { type Shop, type ShopOptions, startShop } from "./host/start-shop.ts";
export { storefront } from "./host/storefront.ts";
// The broker: Knative's manifests and filters, and the runner dispatching by them.
export {
  type Attributes,
  type Broker,
  type Delivery,
  type Destination,
  type Filter,
  type KafkaSink,
  loadManifests,
  type Manifests,
  matches,
  type ObjectRef,
  parseManifests,
  type Trigger,
} from "./knative.ts";
// The event log over Kafka, with its consumer groups (the in-memory log is @shop/runtime's).
export { createKafkaLog, type KafkaLogOptions } from "./log/kafka-log.ts";
export { freePort, httpStatus } from "./net.ts";
export { functionDir, knativeDir, repoRoot, runFunctionScript } from "./paths.ts";
export { type JwksServer, serveJwks } from "./runner/jwks-server.ts";
export { DEFAULT_DLQ_TOPIC, type Runner, type RunnerOptions, startRunner } from "./runner/runner.ts";
export { type TokenFiles, writeTokenFiles } from "./runner/token-files.ts";
export {
  type HostTracing,
  type HostTracingOptions,
  hostTracing,
  namedExporters,
  zipkinFromEnv,
} from "./trace/host-tracing.ts";
export { createMemorySpanExporter } from "./trace/memory-exporter.ts";
export { createSpanStore, type SpanStore, type SpanStoreOptions } from "./trace/span-store.ts";
export { answerFromStore, type StoreAnswer } from "./trace/store-api.ts";
export {
  BadQueryError,
  DEFAULT_LOOKBACK_MS,
  matchesQuery,
  parseAnnotationQuery,
  parseTraceQuery,
  type TraceQuery,
  traceStart,
} from "./trace/trace-query.ts";
export {
  STATUS_CODE_TAG,
  STATUS_ERROR_TAG,
  toZipkinSpan,
  type ZipkinSpan,
  type ZipkinTrace,
} from "./trace/zipkin.ts";
export { createZipkinApi, ZIPKIN_API_PATH, type ZipkinApiOptions } from "./trace/zipkin-api.ts";
