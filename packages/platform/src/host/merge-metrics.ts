/**
 * Merges the Prometheus text expositions of several functions into one. Plain concatenation is not a
 * valid exposition: every function declares the same families (`# HELP` / `# TYPE shop_events_total`),
 * and a scraper refuses a family declared twice. So the samples of each family are gathered under one
 * declaration; the `function` label every sample carries keeps them apart.
 */

interface Family {
  help?: string;
  type?: string;
  samples: string[];
}

const DECLARATION = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*)(?: (.*))?$/;
const SAMPLE_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/** One exposition holding every family of `texts` once, in the order they first appear. */
export function mergeExpositions(texts: readonly string[]): string {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    const found = families.get(name) ?? { samples: [] };
    families.set(name, found);
    return found;
  };
  for (const text of texts) {
    // Samples belong to the family declared above them (a histogram's _bucket, _sum and _count too).
    let current: string | undefined;
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      const declaration = DECLARATION.exec(line);
      if (declaration) {
        const [, kind, name = "", rest = ""] = declaration;
        current = name;
        const target = family(name);
        if (kind === "HELP") target.help ??= rest;
        else target.type ??= rest;
        continue;
      }
      if (line.startsWith("#")) continue;
      const name = SAMPLE_NAME.exec(line)?.[0];
      if (!name) continue;
      family(current && name.startsWith(current) ? current : name).samples.push(line);
    }
  }
  const out: string[] = [];
  for (const [name, { help, type, samples }] of families) {
    if (help !== undefined) out.push(`# HELP ${name} ${help}`);
    if (type !== undefined) out.push(`# TYPE ${name} ${type}`);
    out.push(...samples);
  }
  return out.length ? `${out.join("\n")}\n` : "";
}
