/**
 * gRPC (HTTP/2), buf curl, conditional reads and h2c CloudEvents against the embedded shop, started as
 * `shop start` starts it: one process, one port (HTTP/1.1 and h2c) for every service, demo data seeded.
 */
import { startShop } from "@shop/platform";
import { fallback, frontDoorSuite } from "./grpc-suite.ts";

frontDoorSuite(() => startShop({ fallback, logLevel: "silent" }));
