/**
 * The bare server of the Connect benchmark, in its own process: prints `{"port": …}` on stdout when it
 * listens and exits cleanly on SIGTERM. It answers fixed bytes (BENCH_BODY_FILE, BENCH_CONTENT_TYPE) to
 * every request. (The function it is compared with runs as production runs it: see connect.ts.)
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const mode = process.argv[2];
let stop: () => Promise<unknown>;
let port: number;

if (mode === "bare") {
  const body = readFileSync(process.env.BENCH_BODY_FILE ?? "");
  const headers = {
    "content-type": process.env.BENCH_CONTENT_TYPE ?? "application/json",
    "content-length": body.length,
  };
  const server: Server = createServer((req, res) => {
    // Read the request like any server would, then answer the captured bytes.
    req.resume();
    req.on("end", () => res.writeHead(200, headers).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  stop = () => new Promise((resolve) => server.close(resolve));
} else {
  throw new Error("usage: catalog.ts bare");
}
process.once("SIGTERM", () => void stop().finally(() => process.exit(0)));
console.log(JSON.stringify({ port }));
