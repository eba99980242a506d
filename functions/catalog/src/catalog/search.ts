/**
 * Turning what a person typed into a Postgres full-text condition over products.search.
 */
import { type SQL, sql } from "drizzle-orm";
import { products } from "../db/schema.ts";

// The last word as typed, if it is a plain word (not negated, not inside quotes).
const LAST_WORD = /(^|\s)([\p{L}\p{N}]+)$/u;
// websearch syntax words that must not be turned into a prefix match.
const OPERATORS = new Set(["or"]);

/**
 * The condition matching `query` in web-search syntax (`"exact phrase"`, `-exclude`, `or`), where
 * the last word also matches as a prefix, so "coff" finds coffee while a person is still typing.
 */
export function searchCondition(query: string): SQL {
  const text = query.trim();
  const last = LAST_WORD.exec(text);
  const quotes = text.split('"').length - 1;
  const word = last?.[2];
  if (last && word && quotes % 2 === 0 && !OPERATORS.has(word.toLowerCase())) {
    const rest = text.slice(0, last.index + (last[1]?.length ?? 0));
    // `word` holds letters and digits only, so it cannot carry tsquery operators into to_tsquery.
    return sql`${products.search} @@ (websearch_to_tsquery('simple', ${rest}) && to_tsquery('simple', ${`${word}:*`}))`;
  }
  return sql`${products.search} @@ websearch_to_tsquery('simple', ${text})`;
}
