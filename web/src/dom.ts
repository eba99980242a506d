/**
 * A tiny element builder: pages are built from nodes, never from HTML strings, so text from the
 * server (product names, reasons) can never become markup.
 */

/** What a child of an element may be: nodes, text, or nothing (skipped). */
export type Child = Node | string | number | false | null | undefined | Child[];

/** Attributes of `h()`: `on<event>` registers a listener, `class` and others become attributes. */
export type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/** Creates an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children (flattened; false, null and undefined skipped) to `parent`. */
export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent` with `children`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}
