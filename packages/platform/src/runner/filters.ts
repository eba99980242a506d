/**
 * Knative Trigger filters (`spec.filters`, the dialects of the "new trigger filters"), evaluated over
 * the attributes and extensions of a CloudEvent.
 */

/** One filter expression of a Trigger's `spec.filters`. */
export type Filter =
  | { exact: Record<string, string> }
  | { prefix: Record<string, string> }
  | { suffix: Record<string, string> }
  | { all: Filter[] }
  | { any: Filter[] }
  | { not: Filter };

/** CloudEvent context attributes and extensions by name (`type`, `source`, `partitionkey`, ...). */
export type Attributes = Readonly<Record<string, string | undefined>>;

/** True when the event passes every filter (a Trigger's filters are ANDed; none passes everything). */
export function matches(filters: readonly Filter[], attributes: Attributes): boolean {
  return filters.every((filter) => matchesOne(filter, attributes));
}

function matchesOne(filter: Filter, attributes: Attributes): boolean {
  if ("exact" in filter) return everyAttribute(filter.exact, attributes, (value, wanted) => value === wanted);
  if ("prefix" in filter) return everyAttribute(filter.prefix, attributes, (value, p) => value.startsWith(p));
  if ("suffix" in filter) return everyAttribute(filter.suffix, attributes, (value, s) => value.endsWith(s));
  if ("all" in filter) return filter.all.every((f) => matchesOne(f, attributes));
  if ("any" in filter) return filter.any.some((f) => matchesOne(f, attributes));
  return !matchesOne(filter.not, attributes);
}

function everyAttribute(
  wanted: Record<string, string>,
  attributes: Attributes,
  test: (value: string, wanted: string) => boolean,
): boolean {
  // An attribute the event does not carry matches nothing, not even an empty prefix.
  return Object.entries(wanted).every(([name, expected]) => {
    const value = attributes[name.toLowerCase()];
    return value !== undefined && test(value, expected);
  });
}

/**
 * Reads the `spec.filters` of a Trigger manifest into {@link Filter}s, naming the trigger in errors.
 * Throws for `cesql`, which the local runner does not evaluate, and for anything not a filter dialect.
 */
export function parseFilters(raw: unknown, where: string): Filter[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new Error(`${where}: spec.filters must be a list`);
  return raw.map((item, i) => parseFilter(item, `${where}: spec.filters[${i}]`));
}

function parseFilter(raw: unknown, where: string): Filter {
  if (typeof raw !== "object" || raw === null) throw new Error(`${where} must be an object`);
  const keys = Object.keys(raw);
  if (keys.length !== 1) {
    throw new Error(
      `${where} must have exactly one dialect (exact, prefix, suffix, all, any, not), has ${keys}`,
    );
  }
  const [dialect] = keys as [string];
  const value = (raw as Record<string, unknown>)[dialect];
  switch (dialect) {
    case "exact":
    case "prefix":
    case "suffix":
      return { [dialect]: stringMap(value, `${where}.${dialect}`) } as Filter;
    case "all":
    case "any":
      if (!Array.isArray(value) || value.length === 0) {
        throw new Error(`${where}.${dialect} must be a non-empty list of filters`);
      }
      return { [dialect]: value.map((f, i) => parseFilter(f, `${where}.${dialect}[${i}]`)) } as Filter;
    case "not":
      return { not: parseFilter(value, `${where}.not`) };
    case "cesql":
      throw new Error(
        `${where}: the cesql filter dialect is not supported by the local runner; use exact, prefix, suffix, all, any or not`,
      );
    default:
      throw new Error(`${where}: unknown filter dialect "${dialect}"`);
  }
}

function stringMap(raw: unknown, where: string): Record<string, string> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || Object.keys(raw).length === 0) {
    throw new Error(`${where} must map attribute names to strings`);
  }
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== "string") throw new Error(`${where}.${name} must be a string`);
    result[name] = value;
  }
  return result;
}

/**
 * Turns the legacy `spec.filter.attributes` (exact match on each) into filters. An empty value means
 * "any value", as Knative treats it.
 */
export function legacyAttributeFilter(raw: unknown, where: string): Filter[] {
  if (raw === undefined || raw === null) return [];
  const attributes = stringMap(raw, `${where}: spec.filter.attributes`);
  const exact = Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== ""));
  return Object.keys(exact).length === 0 ? [] : [{ exact }];
}
