import { defineConfig } from "vitest/config";

// Two projects: unit tests need nothing; integration tests (*.int.test.ts) get real Kafka and
// Postgres from infra/local, started once for the run and stopped at its end.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
          // Unit tests of functions start PGlite (Postgres in WebAssembly), which takes seconds on 2 cores.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "int",
          include: ["**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          globalSetup: ["./infra/local/vitest-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
