/**
 * fast-check arbitraries of bytes that are not a valid encoding of a given protobuf message:
 * truncated varints and lengths, reserved wire types, field number 0, and random bytes that
 * happen not to decode. Every value is checked with `fromBinary`, so "invalid" is a fact.
 */
import { type DescMessage, fromBinary } from "@bufbuild/protobuf";
import fc from "fast-check";

/** True when `bytes` do not decode as `schema`. */
export function isInvalid(schema: DescMessage, bytes: Uint8Array): boolean {
  try {
    fromBinary(schema, bytes);
    return false;
  } catch {
    return true;
  }
}

const tag = (field: number, wireType: number) => {
  const out: number[] = [];
  let value = (field << 3) | wireType;
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  out.push(value);
  return out;
};

/** A defect that makes any message's encoding invalid, placed after a valid-looking prefix. */
const defect = fc.oneof(
  // Wire types 6 and 7 do not exist.
  fc
    .record({ field: fc.integer({ min: 1, max: 20 }), wt: fc.constantFrom(6, 7) })
    .map(({ field, wt }) => tag(field, wt)),
  // Field number 0 is illegal.
  fc.constantFrom([0x00], [0x02, 0x00], [0x05]),
  // A varint whose continuation bit runs off the end.
  fc.integer({ min: 1, max: 20 }).map((field) => [...tag(field, 0), 0xff, 0xff]),
  // A length-delimited field longer than what follows.
  fc
    .record({ field: fc.integer({ min: 1, max: 20 }), length: fc.integer({ min: 5, max: 120 }) })
    .map(({ field, length }) => [...tag(field, 2), length, 0x41]),
  // A fixed64 / fixed32 cut short.
  fc.integer({ min: 1, max: 20 }).map((field) => [...tag(field, 1), 1, 2, 3]),
  fc.integer({ min: 1, max: 20 }).map((field) => [...tag(field, 5), 1]),
  // A group start with no end.
  fc.integer({ min: 1, max: 20 }).map((field) => tag(field, 3)),
);

/** Bytes that are not a valid `schema` message. */
export function invalidProtobuf(schema: DescMessage): fc.Arbitrary<Uint8Array> {
  const constructed = fc
    .tuple(fc.uint8Array({ maxLength: 24 }), defect)
    .map(([prefix, bad]) => new Uint8Array([...prefix, ...bad]));
  const random = fc.uint8Array({ minLength: 1, maxLength: 256 });
  return fc
    .oneof({ arbitrary: constructed, weight: 3 }, { arbitrary: random, weight: 1 })
    .filter((bytes) => isInvalid(schema, bytes));
}
