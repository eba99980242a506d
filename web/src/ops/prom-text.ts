/**
 * The Prometheus text exposition format (version 0.0.4), read into samples: what `/ops/metrics`
 * serves. Only what a scrape needs: `# TYPE` declarations, samples with labels, optional timestamps.
 */

/** One sample line: `name{label="value"} 1.5`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A whole exposition: the families it declares (name → type) and its samples. */
export interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
}

/** A line the format does not allow, with its line number (from 1). */
export class PromTextError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`metrics line ${line}: ${problem}`);
    this.name = "PromTextError";
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPE = /^#\s+TYPE\s+([a-zA-Z_:][a-zA-Z0-9_:]*)\s+(counter|gauge|histogram|summary|untyped)\s*$/;
const ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', n: "\n" };

/** Reads an exposition; throws a {@link PromTextError} naming the first malformed line. */
export function parsePromText(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    if (line.startsWith("#")) {
      const type = TYPE.exec(line);
      if (type) types.set(type[1]!, type[2]!);
      return;
    }
    samples.push(parseSample(line, index + 1));
  });
  return { types, samples };
}

function parseSample(line: string, number: number): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new PromTextError(number, "expected a metric name");
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith("{")) rest = parseLabels(rest.slice(1), labels, number);
  const [value = "", timestamp, extra] = rest.trim().split(/\s+/);
  if (value === "" || extra !== undefined || (timestamp && !/^-?\d+$/.test(timestamp)))
    throw new PromTextError(number, "expected a value and at most a timestamp");
  if (!/^\s/.test(rest)) throw new PromTextError(number, "expected a space before the value");
  return { name, labels, value: parseValue(value, number) };
}

/** Reads `a="x",b="y"}` into `labels`; returns what follows the closing brace. */
function parseLabels(input: string, labels: Record<string, string>, number: number): string {
  let rest = input.trimStart();
  while (!rest.startsWith("}")) {
    const name = LABEL_NAME.exec(rest)?.[0];
    if (!name) throw new PromTextError(number, "expected a label name");
    rest = rest.slice(name.length).trimStart();
    if (!rest.startsWith("=")) throw new PromTextError(number, `expected ="…" after label ${name}`);
    rest = rest.slice(1).trimStart();
    if (!rest.startsWith('"')) throw new PromTextError(number, `expected ="…" after label ${name}`);
    let value = "";
    let i = 1;
    for (; i < rest.length && rest[i] !== '"'; i++) {
      if (rest[i] !== "\\") {
        value += rest[i];
        continue;
      }
      const escaped = ESCAPES[rest[++i] ?? ""];
      if (escaped === undefined) throw new PromTextError(number, `bad escape in label ${name}`);
      value += escaped;
    }
    if (i >= rest.length) throw new PromTextError(number, `label ${name} is not closed`);
    labels[name] = value;
    rest = rest.slice(i + 1).trimStart();
    if (rest.startsWith(",")) rest = rest.slice(1).trimStart();
    else if (!rest.startsWith("}")) throw new PromTextError(number, "expected , or } after a label");
  }
  return rest.slice(1);
}

function parseValue(text: string, number: number): number {
  if (/^[+]?inf$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  const value = Number(text);
  if (text === "" || Number.isNaN(value)) throw new PromTextError(number, `${text} is not a number`);
  return value;
}
