/**
 * What every email shares: HTML escaping, the frame around the body, and the plain-text twin.
 */

/** One rendered email: its subject and its two bodies. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** `value` safe inside HTML text and quoted attributes: every customer-given string passes here. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** An HTML link to `url` (escaped) with `label` (escaped). Only http(s) URLs become links. */
export function link(url: string, label: string): string {
  if (!/^https?:\/\//i.test(url)) return escapeHtml(label);
  return `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;
}

/** The HTML frame of every email: a heading, the body (already HTML), the shop's sign-off. */
export function htmlPage(heading: string, body: string): string {
  return [
    "<!doctype html>",
    '<html><body style="font-family: sans-serif; color: #222; max-width: 36em; margin: auto">',
    `<h1 style="font-size: 1.4em">${escapeHtml(heading)}</h1>`,
    body,
    '<p style="color: #666">— Shop</p>',
    "</body></html>",
  ].join("\n");
}

/** The plain-text body: paragraphs separated by blank lines, with the shop's sign-off. */
export function textPage(paragraphs: string[]): string {
  return `${[...paragraphs, "— Shop"].join("\n\n")}\n`;
}

/** A paragraph of HTML from plain text (escaped). */
export function p(text: string): string {
  return `<p>${escapeHtml(text)}</p>`;
}
