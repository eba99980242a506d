/**
 * The verbs and reads of analytics.
 */
export { type DayRange, dayOf, dayRange, MAX_DAYS } from "./days.ts";
export { invalidRequest, replayNeedsKafka, replayUnderWay } from "./errors.ts";
export { getSalesReport, MAX_TOP, type SalesReportInput } from "./get-sales-report.ts";
export { type OrderFactsInput, recordOrderFacts } from "./record-order-facts.ts";
export { type ReplayInput, type ReplayOutcome, replayAnalytics } from "./replay-analytics.ts";
export { type ReportFacts, type SalesReport, salesReport } from "./sales-report.ts";
export { createTopicReader, type ReadTopic } from "./topic-reader.ts";
