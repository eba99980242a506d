/**
 * What a started function offers its routes, its setup and its verbs: the types only, in a module of
 * their own so that the function, its dispatcher and its server can share them without an import circle.
 */
import type { FunctionConfig, SecretStore } from "./config.ts";
import type { Db } from "./db/database.ts";
import type { DeliveryTokens } from "./events/delivery-tokens.ts";
import type { Logger } from "./logger.ts";
import type { Tx } from "./outbox/outbox.ts";

/** The runtime's facilities of one started function. */
export interface App {
  name: string;
  /** The runtime's config (port, database, Kafka); the function's own config goes to `setup`. */
  config: FunctionConfig;
  logger: Logger;
  /** The database, for reads outside a transaction. */
  db: Db;
  secrets: SecretStore;
  /** Tokens for delivering an event to another function directly (audience `shop/<name>`), as the broker does. */
  deliveryTokens: DeliveryTokens;
  /** Runs `fn` in one transaction with an outbox; the relay publishes its events after commit. */
  transaction<T>(fn: (tx: Tx) => Promise<T>, traceparent?: string): Promise<T>;
}
