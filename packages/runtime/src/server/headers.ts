/**
 * A light `Headers` for the unary fast path. Interceptors and implementations see the fetch `Headers`
 * interface, but undici's Headers validates every name and value and sorts on every iteration, which
 * showed as a few per cent of a catalog read. node:http has already parsed and lower-cased the request
 * headers; this keeps them, and response headers, in a plain Map.
 */
import type { IncomingHttpHeaders } from "node:http";

export class LightHeaders implements Headers {
  #map: Map<string, string>;

  constructor(entries?: Iterable<[string, string]>) {
    this.#map = new Map();
    if (entries) for (const [name, value] of entries) this.append(name, value);
  }

  /** The headers of a node:http request (pseudo-headers left out; repeated ones joined, as fetch does). */
  static fromNode(headers: IncomingHttpHeaders): LightHeaders {
    const light = new LightHeaders();
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined || name.charCodeAt(0) === 58) continue;
      light.#map.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    return light;
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const before = this.#map.get(key);
    this.#map.set(key, before === undefined ? String(value) : `${before}, ${value}`);
  }
  delete(name: string): void {
    this.#map.delete(name.toLowerCase());
  }
  get(name: string): string | null {
    return this.#map.get(name.toLowerCase()) ?? null;
  }
  getSetCookie(): string[] {
    const value = this.#map.get("set-cookie");
    return value === undefined ? [] : [value];
  }
  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.#map.set(name.toLowerCase(), String(value));
  }
  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [key, value] of this.#map) callback.call(thisArg, value, key, this);
  }
  entries(): IterableIterator<[string, string]> {
    return this.#map.entries() as IterableIterator<[string, string]>;
  }
  keys(): IterableIterator<string> {
    return this.#map.keys() as IterableIterator<string>;
  }
  values(): IterableIterator<string> {
    return this.#map.values() as IterableIterator<string>;
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}
