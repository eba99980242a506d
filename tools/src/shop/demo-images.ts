#!/usr/bin/env tsx
/**
 * The pictures of the demo catalog: one small SVG illustration per demo product, drawn here from
 * plain shapes (so they are ours to ship, with no licence to track) and written to
 * `web/public/demo/products/<slug>.svg`, which the storefront's build copies into `web/dist` and the
 * shop serves from its own origin. The demo never needs an outside image host.
 *
 * `tsx tools/src/shop/demo-images.ts` writes them again; `demo-images.test.ts` fails when the
 * committed files differ from what this draws, or when one grows past {@link MAX_IMAGE_BYTES}.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_PRODUCTS, slug } from "./demo-catalog.ts";

/** Where the pictures live in the storefront's sources (served at `DEMO_IMAGE_PATH`). */
export const DEMO_IMAGE_DIR = fileURLToPath(new URL("../../../web/public/demo/products/", import.meta.url));
/** No picture may be larger than this. */
export const MAX_IMAGE_BYTES = 3_072;

// Each category's background (two tints for the gradient) and the colour of its floor shadow.
const CATEGORY_TINTS: Record<string, [string, string]> = {
  kitchen: ["#dbe9f6", "#f4f8fc"],
  pantry: ["#f8e7c8", "#fdf6ea"],
  home: ["#f3dcd4", "#fbf1ed"],
  office: ["#dfe1f3", "#f3f4fb"],
  accessories: ["#d7eee9", "#f0f9f7"],
  outdoors: ["#dcefd6", "#f2f9f0"],
  fitness: ["#e9ddf3", "#f7f1fb"],
};

/** The drawing of each demo product, by slug: SVG elements over a 400×300 canvas, floor at y≈235. */
const DRAWINGS: Record<string, string> = {
  "blue-mug":
    '<path d="M250 130h18a28 28 0 0 1 0 56h-18" fill="none" stroke="#245a96" stroke-width="14"/>' +
    '<rect x="140" y="110" width="115" height="125" rx="14" fill="#2f6db5"/>' +
    '<ellipse cx="197" cy="112" rx="57" ry="9" fill="#5b8fcc"/>' +
    '<path d="M180 95c-8-12 8-18 0-32M205 95c-8-12 8-18 0-32" fill="none" stroke="#9fb7d3" stroke-width="5" stroke-linecap="round"/>',
  "espresso-cup-set":
    '<ellipse cx="140" cy="222" rx="62" ry="12" fill="#c9d6e4"/><ellipse cx="262" cy="222" rx="62" ry="12" fill="#c9d6e4"/>' +
    '<path d="M104 160h72l-8 56h-56z" fill="#fff" stroke="#9aa9b9" stroke-width="3"/>' +
    '<path d="M226 160h72l-8 56h-56z" fill="#fff" stroke="#9aa9b9" stroke-width="3"/>' +
    '<path d="M176 172a13 13 0 0 1 0 26M298 172a13 13 0 0 1 0 26" fill="none" stroke="#9aa9b9" stroke-width="6"/>' +
    '<ellipse cx="140" cy="162" rx="34" ry="6" fill="#6b4226"/><ellipse cx="262" cy="162" rx="34" ry="6" fill="#6b4226"/>',
  "chefs-knife":
    '<path d="M70 200l190-95c18-8 30 2 20 14L120 226c-30 12-58-4-50-26z" fill="#d5dde6" stroke="#8e9aa8" stroke-width="3"/>' +
    '<path d="M262 108l20-10 70-35a12 12 0 0 1 12 21l-70 35-20 10z" fill="#3b2a20"/>' +
    '<circle cx="306" cy="84" r="4" fill="#c8a97e"/><circle cx="330" cy="72" r="4" fill="#c8a97e"/>',
  "cast-iron-pan":
    '<rect x="250" y="150" width="115" height="22" rx="11" fill="#2b2b2e" transform="rotate(-12 250 160)"/>' +
    '<ellipse cx="170" cy="170" rx="105" ry="55" fill="#2b2b2e"/>' +
    '<ellipse cx="170" cy="165" rx="88" ry="42" fill="#3e3f44"/>' +
    '<path d="M110 150c25-18 70-22 100-10" fill="none" stroke="#5a5c63" stroke-width="5" stroke-linecap="round"/>',
  "green-tea":
    '<rect x="140" y="85" width="120" height="150" rx="10" fill="#4f8a4c"/>' +
    '<rect x="140" y="78" width="120" height="26" rx="8" fill="#3a6b38"/>' +
    '<rect x="158" y="128" width="84" height="70" rx="6" fill="#f4f1e4"/>' +
    '<path d="M200 185c-22-10-22-38 0-48 22 10 22 38 0 48zM200 185v-44" fill="#7cb86f" stroke="#3a6b38" stroke-width="3"/>',
  "dark-roast-coffee":
    '<path d="M150 80h100l12 155H138z" fill="#5a3a26"/><path d="M150 80h100l-6 18h-88z" fill="#3f281a"/>' +
    '<rect x="160" y="135" width="80" height="60" rx="6" fill="#e9d9c4"/>' +
    '<ellipse cx="200" cy="165" rx="16" ry="22" fill="#4a2c1a" transform="rotate(25 200 165)"/>' +
    '<path d="M193 148c10 10 4 24 14 34" fill="none" stroke="#e9d9c4" stroke-width="3"/>',
  "wildflower-honey":
    '<rect x="150" y="82" width="100" height="24" rx="6" fill="#8a5a2b"/>' +
    '<path d="M145 112h110c10 0 15 8 15 18v90c0 9-7 15-15 15H145c-8 0-15-6-15-15v-90c0-10 5-18 15-18z" fill="#e7a425"/>' +
    '<rect x="150" y="140" width="100" height="62" rx="8" fill="#fff6df"/>' +
    '<g fill="#d8587a"><circle cx="192" cy="164" r="7"/><circle cx="208" cy="164" r="7"/><circle cx="200" cy="156" r="7"/><circle cx="200" cy="172" r="7"/></g>' +
    '<circle cx="200" cy="164" r="5" fill="#f2c14e"/>',
  "olive-oil":
    '<rect x="186" y="52" width="28" height="22" rx="4" fill="#2f4a1e"/>' +
    '<path d="M188 74h24v30c22 12 30 28 30 48v70c0 8-6 13-13 13h-58c-7 0-13-5-13-13v-70c0-20 8-36 30-48z" fill="#8a9a2b"/>' +
    '<rect x="170" y="150" width="60" height="52" rx="6" fill="#f6f1da"/>' +
    '<ellipse cx="200" cy="176" rx="9" ry="13" fill="#55691c"/>',
  "desk-lamp":
    '<ellipse cx="150" cy="228" rx="60" ry="11" fill="#2d3a4a"/>' +
    '<path d="M150 222l40-90 70-22" fill="none" stroke="#2d3a4a" stroke-width="10" stroke-linecap="round" stroke-linejoin="round"/>' +
    '<circle cx="190" cy="132" r="9" fill="#53657a"/>' +
    '<path d="M240 92l62-20 16 52-66 8z" fill="#f0b63f"/>' +
    '<path d="M252 132l66-8 40 90H272z" fill="#fff3c4" opacity=".7"/>',
  "linen-throw":
    '<rect x="105" y="175" width="190" height="50" rx="10" fill="#c9b79c"/>' +
    '<rect x="115" y="135" width="170" height="48" rx="10" fill="#ddd0bb"/>' +
    '<rect x="125" y="98" width="150" height="44" rx="10" fill="#efe6d6"/>' +
    '<path d="M150 98v44M250 98v44M140 135v48M260 135v48M130 175v50M270 175v50" stroke="#a8906f" stroke-width="3"/>',
  "ceramic-vase":
    '<path d="M175 95h50c-4 20 30 40 30 80 0 35-25 60-55 60s-55-25-55-60c0-40 34-60 30-80z" fill="#c8654a"/>' +
    '<path d="M160 170c20 12 60 12 80 0" fill="none" stroke="#f3dcd4" stroke-width="5"/>' +
    '<path d="M200 95c-5-25-25-40-40-52M200 95c0-30 5-45 10-60M200 95c8-20 25-32 42-40" fill="none" stroke="#5f7d3a" stroke-width="4"/>' +
    '<circle cx="158" cy="42" r="9" fill="#f2c14e"/><circle cx="210" cy="33" r="9" fill="#f0e6f2"/><circle cx="244" cy="54" r="9" fill="#e58f6f"/>',
  "scented-candle":
    '<rect x="140" y="120" width="120" height="115" rx="14" fill="#f6efe6" stroke="#c9b29a" stroke-width="3"/>' +
    '<rect x="140" y="160" width="120" height="40" fill="#b98bb0"/>' +
    '<path d="M200 120v-18" stroke="#3a3a3a" stroke-width="3"/>' +
    '<path d="M200 104c-12-12-4-30 0-42 4 12 12 30 0 42z" fill="#f5a623"/>',
  notebook:
    '<rect x="125" y="60" width="150" height="185" rx="8" fill="#2e4a7d"/>' +
    '<rect x="125" y="60" width="24" height="185" rx="6" fill="#233a63"/>' +
    '<rect x="252" y="60" width="8" height="185" fill="#c94f4f"/>' +
    '<rect x="170" y="100" width="70" height="28" rx="4" fill="#e8ecf5"/>',
  "fountain-pen":
    '<g transform="rotate(-35 200 150)"><rect x="90" y="136" width="170" height="28" rx="14" fill="#1f2a44"/>' +
    '<rect x="200" y="134" width="8" height="32" fill="#d4af37"/>' +
    '<path d="M260 138l60 12-60 12z" fill="#d4af37"/><path d="M285 150h30" stroke="#8c6d1f" stroke-width="2"/>' +
    '<rect x="110" y="128" width="70" height="6" rx="3" fill="#d4af37"/></g>',
  "desk-organiser":
    '<path d="M160 120l-6-60M185 120l4-70M210 120l14-58" stroke-width="10" stroke-linecap="round" fill="none" stroke="#e0a33a"/>' +
    '<path d="M185 120l4-70" stroke="#5b7bd5" stroke-width="10" stroke-linecap="round"/>' +
    '<rect x="120" y="115" width="110" height="120" rx="8" fill="#6d7a8c"/>' +
    '<rect x="230" y="165" width="70" height="70" rx="8" fill="#8a97a8"/>' +
    '<rect x="240" y="150" width="50" height="18" rx="3" fill="#f4f4f4"/>',
  "canvas-tote":
    '<path d="M160 110c0-55 80-55 80 0" fill="none" stroke="#8a6a45" stroke-width="10"/>' +
    '<path d="M125 110h150l-12 125H137z" fill="#e6dcc6"/>' +
    '<path d="M165 160h70v40h-70z" fill="none" stroke="#8a6a45" stroke-width="4"/>' +
    '<path d="M200 170v20M190 180h20" stroke="#8a6a45" stroke-width="4"/>',
  "leather-wallet":
    '<rect x="110" y="105" width="180" height="125" rx="12" fill="#8b5a33"/>' +
    '<rect x="120" y="115" width="160" height="105" rx="8" fill="none" stroke="#d8b48a" stroke-width="2" stroke-dasharray="6 5"/>' +
    '<path d="M110 150h180" stroke="#6e4526" stroke-width="4"/>' +
    '<rect x="240" y="140" width="50" height="22" rx="6" fill="#6e4526"/><circle cx="262" cy="151" r="5" fill="#d8b48a"/>',
  "wool-scarf":
    '<path d="M120 80c40 20 120 20 160 0l-10 40c-40 20-100 20-140 0z" fill="#b23a48"/>' +
    '<path d="M230 110l30 110h-40l-20-100z" fill="#c84b5a"/>' +
    '<path d="M130 95c40 16 100 16 140 0M235 150h30M242 180h28" stroke="#f1c6cc" stroke-width="4" fill="none"/>' +
    '<path d="M222 222v14M232 222v14M242 222v14M252 222v14" stroke="#b23a48" stroke-width="4"/>',
  "water-bottle":
    '<rect x="180" y="48" width="40" height="26" rx="6" fill="#26433a"/>' +
    '<path d="M186 74h28v14c22 6 30 20 30 40v95c0 10-6 15-15 15h-58c-9 0-15-5-15-15v-95c0-20 8-34 30-40z" fill="#3fa37c"/>' +
    '<rect x="156" y="140" width="88" height="40" fill="#dcefd6"/>' +
    '<path d="M216 45a16 16 0 0 1 0 32" fill="none" stroke="#26433a" stroke-width="6"/>',
  "picnic-blanket":
    '<defs><pattern id="c" width="40" height="40" patternUnits="userSpaceOnUse"><rect width="40" height="40" fill="#fff"/>' +
    '<rect width="20" height="40" fill="#d9534f" opacity=".7"/><rect width="40" height="20" fill="#d9534f" opacity=".7"/></pattern></defs>' +
    '<path d="M70 230l50-120h160l50 120z" fill="url(#c)" stroke="#b33c38" stroke-width="4"/>' +
    '<circle cx="250" cy="140" r="16" fill="#e84a4a"/><path d="M250 124c2-8 8-10 12-10" stroke="#5a3a26" stroke-width="3" fill="none"/>',
  "camping-mug":
    '<path d="M250 135h16a24 24 0 0 1 0 48h-16" fill="none" stroke="#2f5d8a" stroke-width="10"/>' +
    '<path d="M145 120h110v100c0 10-8 15-18 15h-74c-10 0-18-5-18-15z" fill="#f7f7f2"/>' +
    '<ellipse cx="200" cy="120" rx="55" ry="8" fill="#2f5d8a"/>' +
    '<g fill="#2f5d8a"><circle cx="170" cy="160" r="3"/><circle cx="210" cy="190" r="3"/><circle cx="232" cy="150" r="3"/><circle cx="180" cy="205" r="3"/></g>',
  "yoga-mat":
    '<path d="M140 215h170v-80H140z" fill="#7b4fa0"/>' +
    '<ellipse cx="140" cy="175" rx="40" ry="40" fill="#9b6cc2"/>' +
    '<path d="M140 175m-28 0a28 28 0 1 1 28 28a18 18 0 1 1 0-36a9 9 0 1 1-9 9" fill="none" stroke="#5d3a7c" stroke-width="4"/>',
  "jump-rope":
    '<path d="M120 110c-30 140 190 140 160 0" fill="none" stroke="#e0663b" stroke-width="6"/>' +
    '<rect x="108" y="50" width="24" height="64" rx="12" fill="#3b3b3b"/>' +
    '<rect x="268" y="50" width="24" height="64" rx="12" fill="#3b3b3b"/>' +
    '<path d="M112 60h16M272 60h16" stroke="#777" stroke-width="3"/>',
  "resistance-bands":
    '<g fill="none" stroke-width="16"><ellipse cx="160" cy="165" rx="70" ry="45" stroke="#4aa36c"/>' +
    '<ellipse cx="230" cy="150" rx="70" ry="45" stroke="#e0b03b" transform="rotate(-15 230 150)"/>' +
    '<ellipse cx="205" cy="190" rx="70" ry="40" stroke="#d9534f" transform="rotate(8 205 190)"/></g>',
};

/** The SVG of one product, or undefined when this module draws none for it. */
export function demoImage(name: string, category: string): string | undefined {
  const drawing = DRAWINGS[slug(name)];
  if (!drawing) return undefined;
  const [tint, light] = CATEGORY_TINTS[category] ?? ["#e6e6e6", "#f6f6f6"];
  const title = name.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300" width="400" height="300">' +
    `<title>${title}</title>` +
    `<defs><linearGradient id="bg" x2="1" y2="1"><stop offset="0" stop-color="${light}"/>` +
    `<stop offset="1" stop-color="${tint}"/></linearGradient></defs>` +
    '<rect width="400" height="300" fill="url(#bg)"/>' +
    '<ellipse cx="200" cy="238" rx="130" ry="14" fill="#000" opacity=".07"/>' +
    `${drawing}</svg>\n`
  );
}

/** The slugs this module draws. */
export function drawnSlugs(): string[] {
  return Object.keys(DRAWINGS);
}

/** Writes the picture of each demo product into {@link DEMO_IMAGE_DIR}; throws for one it cannot draw. */
export async function writeDemoImages(products = DEMO_PRODUCTS): Promise<string[]> {
  await mkdir(DEMO_IMAGE_DIR, { recursive: true });
  const written: string[] = [];
  for (const { name, category } of products) {
    const svg = demoImage(name, category);
    if (!svg) throw new Error(`no drawing for the demo product "${name}" (${slug(name)})`);
    const file = join(DEMO_IMAGE_DIR, `${slug(name)}.svg`);
    await writeFile(file, svg);
    written.push(file);
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await writeDemoImages();
  console.log(`wrote ${files.length} pictures into ${DEMO_IMAGE_DIR}`);
}
