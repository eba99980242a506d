/**
 * How the process that runs the embedded shop is started, so that its memory stays bounded: `shop start`
 * (npm start, through shop.mjs) and `pnpm bench embedded` start it with these. They are start-up
 * settings, of glibc's allocator and of V8's heap, which a process cannot change once it runs.
 *
 * - glibc malloc: a fixed mmap threshold of 128 KiB and a trim threshold of 128 KiB. PGlite's
 *   in-memory files, initdb's WebAssembly instance and Node's large buffers are big blocks that come and
 *   go; by default glibc raises its mmap threshold (up to 32 MiB) each time such a block is freed, so
 *   the next ones come from its heaps, where freed memory stays in the process. With the threshold fixed,
 *   every block of 128 KiB or more is a mapping of its own, given back when it is freed.
 * - V8: a young generation of at most 16 MiB per semi-space. On a machine with much memory V8 sizes it
 *   up to 64 MiB (128 MiB committed for the two halves), which this process, running every function,
 *   fills and keeps.
 * - V8: an old generation of at most 512 MiB. Its limit also sets how lazily V8 collects: with the
 *   default (a quarter of the machine's memory, some 4 GiB on a 24 GiB machine) the heap held 300 to
 *   450 MiB of garbage before a full collection, around a live heap of about 100 MiB. What the embedded
 *   shop keeps in this heap is bounded (the in-memory log, the trace store and the mail catcher each
 *   keep their latest records), so 512 MiB is some five times what it holds after a long load; PGlite's
 *   database is outside it (WebAssembly memory, and files on disk or in array buffers).
 *
 * Measured with `pnpm bench embedded` (RSS before, during and after the load, CPU per order): see the
 * closing note of issue 14 and tools/results/embedded*.md.
 */

/** Node flags of the embedded shop's process. */
export const EMBEDDED_NODE_FLAGS = ["--max-semi-space-size=16", "--max-old-space-size=512"];

const TUNABLES = "glibc.malloc.mmap_threshold=131072:glibc.malloc.trim_threshold=131072";

/**
 * `env` with the allocator settings of the embedded shop's process added (a caller's own tunables kept).
 * @param {NodeJS.ProcessEnv} env
 * @returns {NodeJS.ProcessEnv}
 */
export function embeddedProcessEnv(env) {
  if (env.GLIBC_TUNABLES?.includes(TUNABLES)) return env;
  return { ...env, GLIBC_TUNABLES: env.GLIBC_TUNABLES ? `${env.GLIBC_TUNABLES}:${TUNABLES}` : TUNABLES };
}
