// Types of pinned-node.mjs, for the TypeScript that imports it (tools/src/cli.ts runs `shop start` again with run()).
export declare const NODE_VERSION: string;
export declare function pinnedNode(log: (line: string) => void): { execPath: string; version: string };
export declare function run(
  cmd: string,
  args: string[],
  options?: { cwd?: string; env?: NodeJS.ProcessEnv; group?: boolean; graceMs?: number },
): Promise<number>;
