/**
 * The entry point buf runs (`local: [tsx, tools/src/protoc-gen-shop-docs/main.ts]` in buf.gen.yaml):
 * reads a CodeGeneratorRequest on stdin, writes the response on stdout.
 */
import { runNodeJs } from "@bufbuild/protoplugin";
import { shopDocsPlugin } from "./plugin.ts";

runNodeJs(shopDocsPlugin);
