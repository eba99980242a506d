/**
 * How the Kafka log sink cuts its buffer into produce requests. Every line of a function has the same
 * key, so a request is one record batch on one partition, which the broker refuses whole above its
 * `message.max.bytes` (1 MB by default): batches stay well below it, and a line that alone would not
 * fit is dropped rather than block every batch behind it.
 */

/** Lines per produce request. */
export const BATCH_LINES = 500;
/** Bytes per produce request (a single line may reach MAX_LINE_BYTES). */
export const BATCH_BYTES = 512 * 1024;
/** The largest line shipped. */
export const MAX_LINE_BYTES = 256 * 1024;

/** Takes the next batch off the front of `buffer`. */
export function takeBatch(buffer: string[]): string[] {
  let bytes = 0;
  let count = 0;
  while (count < buffer.length && count < BATCH_LINES) {
    const size = Buffer.byteLength(buffer[count]!);
    if (count > 0 && bytes + size > BATCH_BYTES) break;
    bytes += size;
    count++;
  }
  return buffer.splice(0, count);
}

/** Puts a batch that failed back in front of `buffer`, as much as fits in `maxLines`; returns how many did not. */
export function keepInBuffer(buffer: string[], batch: string[], maxLines: number): number {
  const room = Math.max(0, Math.min(batch.length, maxLines - buffer.length));
  buffer.unshift(...batch.slice(0, room));
  return batch.length - room;
}
