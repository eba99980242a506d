import { defineConfig } from "drizzle-kit";

/** drizzle-kit: the inventory schema and where its migrations go (`npx drizzle-kit generate --name <what>`). */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
