/**
 * Hash routes (`#/orders/123?x=y`): the gateway serves one index.html, and every page is a function
 * that renders into <main>. Navigating away aborts the page's signal, which ends its calls and streams.
 */

/** What a page gets: the path parameters, the query, and a signal aborted when the page is left. */
export interface Route {
  params: Record<string, string>;
  query: URLSearchParams;
  signal: AbortSignal;
}

/** A page renders into `main`; it may keep updating it until `route.signal` aborts. */
export type Page = (main: HTMLElement, route: Route) => void | Promise<void>;

interface Entry {
  pattern: RegExp;
  names: string[];
  page: Page;
  name: string;
}

/** Maps `#/path` patterns (`/orders/:id`) to pages and renders the current one on every hash change. */
export function startRouter(
  main: HTMLElement,
  routes: Record<string, { name: string; page: Page }>,
  onNavigate: (name: string) => void,
): void {
  const entries: Entry[] = Object.entries(routes).map(([path, { name, page }]) => {
    const names: string[] = [];
    const source = path.replace(/:([a-z]+)/g, (_, param: string) => {
      names.push(param);
      return "([^/]+)";
    });
    return { pattern: new RegExp(`^${source}$`), names, page, name };
  });
  let controller = new AbortController();
  const render = () => {
    controller.abort();
    controller = new AbortController();
    const [path = "/", search = ""] = (window.location.hash.slice(1) || "/").split("?");
    const entry = entries.find((e) => e.pattern.test(path)) ?? entries[0]!;
    const match = entry.pattern.exec(path);
    const params = Object.fromEntries(
      entry.names.map((name, i) => [name, decodeURIComponent(match?.[i + 1] ?? "")]),
    );
    onNavigate(entry.name);
    main.replaceChildren();
    window.scrollTo(0, 0);
    void entry.page(main, { params, query: new URLSearchParams(search), signal: controller.signal });
  };
  window.addEventListener("hashchange", render);
  render();
}

/** Goes to `#path`. */
export function navigate(path: string): void {
  window.location.hash = path;
}
