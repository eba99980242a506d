/**
 * The verbs of redrive, free of transport.
 */
export * from "./claim-due-letters.ts";
export * from "./classify.ts";
export * from "./dead-letter.ts";
export * from "./deliver.ts";
export * from "./errors.ts";
export * from "./list-dead-letters.ts";
export * from "./prune-letters.ts";
export * from "./receive-dead-letter.ts";
export * from "./record-redrive.ts";
export * from "./redrive-due.ts";
export * from "./redrive-letters.ts";
export * from "./report.ts";
export * from "./schedule.ts";
