/**
 * Part of a fault run's report: every dead letter must be explained — the malformed event sent on
 * purpose, refused with a 4xx, or a transient failure (an outage) that the redrive function has since
 * delivered to its subscriber — and what the redrive function did.
 */
import { letterKey, type RedriveLetter, redriveLetters } from "./books.ts";
import { counterTotal } from "./scenario-queries.ts";
import type { Books, ScenarioRun } from "./scenario-run.ts";
import type { RedriveReport, ScenarioReport } from "./scenario-types.ts";
import { type ReadRecord, readTopic } from "./topics.ts";

/** How many unexplained dead letters are named one by one. */
const NAMED = 20;

/** The dead letters' problems, their counts by explanation, and the redrive function's counts. */
export interface DeadLetterFindings {
  problems: string[];
  dlq: ScenarioReport["dlq"];
  redrive: RedriveReport;
}

/** Reads the dead-letter topic and the redrive function's letters, and explains each dead letter. */
export async function explainDeadLetters(
  run: ScenarioRun,
  sql: Books,
  poisonId: string,
): Promise<DeadLetterFindings> {
  const dead = await readTopic(run.options.kafkaBrokers, run.options.dlqTopic);
  const letters = await redriveLetters(sql);
  let explained = 0;
  const byExplanation: Record<string, number> = {};
  const unexplained: string[] = [];
  for (const record of dead) {
    const { known, text } = explain(record, letters, poisonId);
    if (!known) unexplained.push(text);
    else {
      explained++;
      byExplanation[text] = (byExplanation[text] ?? 0) + 1;
    }
  }
  const problems = unexplained.slice(0, NAMED);
  if (unexplained.length > NAMED)
    problems.push(`… and ${unexplained.length - NAMED} more unexplained dead letters`);
  if (explained === 0 || !dead.some((r) => r.headers.ce_id === poisonId))
    problems.push("the malformed event did not reach the dead-letter topic");
  const dlq = { explained, unexplained: dead.length - explained, byExplanation };
  return { problems, dlq, redrive: await redriveReport(run, letters) };
}

/** Why `record` is a dead letter (`known`), or a sentence of what is known of it. */
function explain(
  record: ReadRecord,
  letters: Map<string, RedriveLetter> | undefined,
  poisonId: string,
): { known: boolean; text: string } {
  const h = record.headers;
  const code = h.ce_knativeerrorcode;
  const letter = letters?.get(letterKey(h.ce_source ?? "", h.ce_id ?? "", h.ce_knativeerrordest ?? ""));
  if (h.ce_id === poisonId && code?.startsWith("4"))
    return { known: true, text: "malformed (sent on purpose), refused 4xx" };
  if (letter?.kind === "transient" && letter.state === "redriven")
    return { known: true, text: `transient (${code ?? "no answer"}), redriven` };
  const reason = Buffer.from(h.ce_knativeerrordata ?? "", "base64").toString("utf8");
  const fate = !letters
    ? "no redrive function ran"
    : letter
      ? `redrive: ${letter.kind}, ${letter.state} after ${letter.attempts} redrives${letter.lastError ? ` (${letter.lastError})` : ""}`
      : "redrive never recorded it";
  return {
    known: false,
    text: `unexplained dead letter ${h.ce_type} ${h.ce_id} to ${h.ce_knativeerrordest}: ${code ?? "no answer"} ${reason} — ${fate}`,
  };
}

/** The redrive function's letters by kind and state, with its own counter when it runs in this process. */
async function redriveReport(
  run: ScenarioRun,
  letters: Map<string, RedriveLetter> | undefined,
): Promise<RedriveReport> {
  const all = [...(letters?.values() ?? [])];
  const redrive: RedriveReport = {
    present: letters !== undefined,
    transient: all.filter((l) => l.kind === "transient").length,
    malformed: all.filter((l) => l.kind === "malformed").length,
    redriven: all.filter((l) => l.state === "redriven").length,
    attempts: all.reduce((n, l) => n + l.attempts, 0),
  };
  const redriveFn = run.options.shop.inProcess.redrive;
  if (redriveFn) redrive.redrivenMetric = await counterTotal(redriveFn, "shop_dead_letters_redriven_total");
  return redrive;
}
