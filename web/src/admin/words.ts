/**
 * The back office's words for what the shop records: ages, JSON, what an action changed (no DOM
 * here, so unit tests read them without a browser).
 */

/** An age in seconds as a person reads it ("42 s", "5 min", "3 h", "2 d"). */
export function ageText(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/** JSON as an indented block (as stored when it does not parse). */
export function prettyJson(text: string): string {
  if (!text) return "–";
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * The top-level fields that differ between two JSON objects (`before` and `after` as recorded), so a
 * row says what an action changed without the whole product or promotion in it.
 */
export function changedFields(before: string, after: string): string[] {
  const parse = (text: string): Record<string, unknown> => {
    try {
      const value: unknown = text ? JSON.parse(text) : {};
      return value && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : {};
    } catch {
      return {};
    }
  };
  const [old, now] = [parse(before), parse(after)];
  const keys = [...new Set([...Object.keys(old), ...Object.keys(now)])];
  return keys.filter((key) => JSON.stringify(old[key]) !== JSON.stringify(now[key])).sort();
}
