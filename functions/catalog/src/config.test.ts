import { describe, expect, it } from "vitest";
import { readCatalogConfig } from "./config.ts";

describe("catalog's config", () => {
  it("keeps reads for a second unless CATALOG_READ_CACHE_MS says otherwise (0: not at all)", () => {
    expect(readCatalogConfig({})).toEqual({ readCacheMs: 1000 });
    expect(readCatalogConfig({ CATALOG_READ_CACHE_MS: "250" })).toEqual({ readCacheMs: 250 });
    expect(readCatalogConfig({ CATALOG_READ_CACHE_MS: "0" })).toEqual({ readCacheMs: 0 });
  });
});
