/**
 * Creating a promotion (admin).
 */

import { randomUUID } from "node:crypto";
import { type AdminAction, recordAdminAction, type Tx } from "@shop/runtime";
import { promotions } from "../db/schema.ts";
import { duplicateCode, invalidRequest } from "./errors.ts";
import { findByCode, normalizeCode, type PromotionRow } from "./store.ts";

/** An amount of money in minor units. */
export interface MoneyInput {
  amountMinor: bigint;
  currency: string;
}

/** A promotion to create, as the admin gave it; `create` validates and normalises it. */
export interface PromotionInput {
  name: string;
  /** Empty for an automatic promotion. */
  code: string;
  percentOff: number | undefined;
  amountOff: MoneyInput | undefined;
  /** The shipping is free (no line is discounted); exclusive with a percentage or an amount off. */
  freeShipping: boolean;
  /** Undefined or zero for no minimum. */
  minimumOrder: MoneyInput | undefined;
  startsAt: Date | undefined;
  endsAt: Date | undefined;
  maxRedemptions: number;
  maxPerCustomer: number;
  singleUse: boolean;
  productIds: string[];
  /** Empty for any category. */
  category: string;
}

/** A promotion to create, when it is created, and by whom (for the audit log). */
export type NewPromotion = PromotionInput & { now: Date; actor: AdminAction["actor"] };

/** A stored promotion with its unreleased redemptions. */
export type PromotionView = PromotionRow & { redemptionCount: number };

const CODE = /^[A-Z0-9-]{3,32}$/;
const CURRENCY = /^[A-Z]{3}$/;

/**
 * Validates and creates a promotion. Codes are stored upper-case and unique case-insensitively;
 * a single-use promotion is one with max redemptions 1. Throws `invalidRequest` for anything
 * malformed and `duplicateCode` when the code is taken. Recorded in the audit log.
 */
export async function createPromotion(tx: Tx, input: NewPromotion): Promise<PromotionView> {
  const { db } = tx;
  const values = validate(input);
  if (values.code && (await findByCode(db, values.code))) throw duplicateCode(values.code);
  try {
    const [row] = await db
      .insert(promotions)
      .values({ id: randomUUID(), createdAt: input.now, ...values })
      .returning();
    const created = { ...row!, redemptionCount: 0 };
    await recordAdminAction(tx, {
      actor: input.actor,
      action: "promotions.CreatePromotion",
      target: created.id,
      after: row,
      at: input.now,
    });
    return created;
  } catch (error) {
    // Two admins creating the same code at once: the unique index decides.
    if (values.code && isUniqueViolation(error)) throw duplicateCode(values.code);
    throw error;
  }
}

function validate(input: PromotionInput) {
  const fail = (message: string): never => {
    throw invalidRequest(message);
  };
  const name = input.name.trim();
  if (!name) fail("A promotion needs a name.");
  if (name.length > 200) fail("The name of a promotion may be at most 200 characters long.");
  const code = normalizeCode(input.code);
  if (code && !CODE.test(code))
    fail("A code is 3 to 32 characters long, made of letters, digits and dashes.");
  const kinds = [input.percentOff !== undefined, input.amountOff !== undefined, input.freeShipping];
  if (kinds.filter(Boolean).length !== 1) {
    fail(
      "A promotion takes off a percentage or an amount, or makes shipping free: give exactly one of them.",
    );
  }
  if (input.percentOff !== undefined && (input.percentOff < 1 || input.percentOff > 100)) {
    fail("The percentage off must be between 1 and 100.");
  }
  if (input.amountOff && input.amountOff.amountMinor <= 0n) fail("The amount off must be more than zero.");
  const minimum =
    input.minimumOrder && input.minimumOrder.amountMinor !== 0n ? input.minimumOrder : undefined;
  if (minimum && minimum.amountMinor < 0n) fail("The minimum order cannot be negative.");
  const currencies = [input.amountOff?.currency, minimum?.currency].filter((c) => c !== undefined);
  for (const currency of currencies) {
    if (!CURRENCY.test(currency)) fail("A currency is a three-letter ISO 4217 code, such as EUR.");
  }
  if (new Set(currencies).size > 1) fail("The minimum order must be in the same currency as the amount off.");
  if (input.startsAt && input.endsAt && input.endsAt <= input.startsAt)
    fail("The end must be after the start.");
  if (!Number.isInteger(input.maxRedemptions) || input.maxRedemptions < 0) {
    fail("The maximum number of redemptions cannot be negative (0 means unlimited).");
  }
  if (!Number.isInteger(input.maxPerCustomer) || input.maxPerCustomer < 0) {
    fail("The maximum number of redemptions per customer cannot be negative (0 means unlimited).");
  }
  if (input.singleUse && input.maxRedemptions > 1) {
    fail("A single-use promotion is redeemed once: leave the maximum number of redemptions at 0 or 1.");
  }
  const category = input.category.trim();
  return {
    name,
    code: code || null,
    kind: input.freeShipping
      ? ("free_shipping" as const)
      : input.percentOff !== undefined
        ? ("percent" as const)
        : ("amount" as const),
    percentOff: input.percentOff ?? null,
    amountOff: input.amountOff?.amountMinor ?? null,
    currency: currencies[0] ?? null,
    minimumOrder: minimum?.amountMinor ?? null,
    startsAt: input.startsAt ?? null,
    endsAt: input.endsAt ?? null,
    maxRedemptions: input.singleUse ? 1 : input.maxRedemptions,
    maxPerCustomer: input.maxPerCustomer,
    singleUse: input.singleUse || input.maxRedemptions === 1,
    productIds: [...new Set(input.productIds.map((id) => id.trim()).filter(Boolean))],
    category: category || null,
  };
}

function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current instanceof Object; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: unknown }).code === "23505") return true;
  }
  return false;
}
