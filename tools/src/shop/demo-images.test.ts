import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_IMAGE_PATH, DEMO_PRODUCTS, slug } from "./demo-catalog.ts";
import { DEMO_IMAGE_DIR, demoImage, drawnSlugs, MAX_IMAGE_BYTES } from "./demo-images.ts";

describe("the demo catalog's pictures", () => {
  it("are committed as demo-images.ts draws them (run `tsx tools/src/shop/demo-images.ts` after a change)", async () => {
    const files = (await readdir(DEMO_IMAGE_DIR)).sort();
    expect(files).toEqual(DEMO_PRODUCTS.map((p) => `${slug(p.name)}.svg`).sort());
    for (const product of DEMO_PRODUCTS) {
      const committed = await readFile(join(DEMO_IMAGE_DIR, `${slug(product.name)}.svg`), "utf8");
      expect(committed, product.name).toBe(demoImage(product.name, product.category));
    }
  });

  it("are one small, self-contained SVG per product, served from the shop's own origin", () => {
    expect(drawnSlugs().sort()).toEqual(DEMO_PRODUCTS.map((p) => slug(p.name)).sort());
    for (const product of DEMO_PRODUCTS) {
      const svg = demoImage(product.name, product.category)!;
      expect(Buffer.byteLength(svg), product.name).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 400 300"/);
      expect(svg).toContain(`<title>${product.name}</title>`);
      // Nothing that runs or loads: no script, no event handler, no reference to another file or host.
      expect(svg).not.toMatch(/<script|\son[a-z]+=|href=|url\((?!#)|@import/i);
      expect(product.imagePath).toBe(`${DEMO_IMAGE_PATH}${slug(product.name)}.svg`);
    }
  });

  it("name their files after the products", () => {
    expect(slug("Chef's Knife")).toBe("chefs-knife");
    expect(slug("  Espresso Cup Set ")).toBe("espresso-cup-set");
    expect(new Set(DEMO_PRODUCTS.map((p) => p.id)).size).toBe(DEMO_PRODUCTS.length);
  });
});
