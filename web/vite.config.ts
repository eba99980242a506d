import { defineConfig } from "vite";

// The gateway of `pnpm start` serves dist/ and the Connect APIs from one origin, so the storefront
// calls the APIs on its own origin. `vite dev` proxies the API paths to a running shop instead.
export default defineConfig({
  build: { target: "es2022", outDir: "dist", emptyOutDir: true },
  server: {
    proxy: Object.fromEntries(
      ["^/shop\\.", "^/ops/", "^/images/"].map((path) => [
        path,
        process.env.SHOP_URL ?? "http://127.0.0.1:8080",
      ]),
    ),
  },
});
