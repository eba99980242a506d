// Types of embedded-process.mjs, for the TypeScript that imports it (the embedded bench).
export declare const EMBEDDED_NODE_FLAGS: string[];
export declare function embeddedProcessEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
