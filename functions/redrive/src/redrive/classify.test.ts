import { describe, expect, it } from "vitest";
import { type Classifiable, classify, isTransientStatus } from "./classify.ts";

const to = "http://inventory.shop.svc.cluster.local/";
const letter = (over: Partial<Classifiable>): Classifiable => ({
  cloudEvent: true,
  destination: to,
  errorCode: undefined,
  errorData: "",
  ...over,
});

describe("classifying a dead letter", () => {
  it.each([
    [undefined, "transient"],
    ["500", "transient"],
    ["502", "transient"],
    ["503", "transient"],
    ["404", "transient"],
    ["408", "transient"],
    ["409", "transient"],
    ["429", "transient"],
    ["400", "malformed"],
    ["401", "malformed"],
    ["403", "malformed"],
    ["413", "malformed"],
    ["422", "malformed"],
  ])("knativeerrorcode %s is %s", (errorCode, kind) => {
    expect(classify(letter({ errorCode })).kind).toBe(kind);
  });

  it("says why in a sentence with the subscriber's answer", () => {
    expect(classify(letter({ errorCode: "500", errorData: "handler failed" }))).toEqual({
      kind: "transient",
      reason: "the subscriber answered 500: handler failed",
    });
    expect(classify(letter({ errorData: "connect ECONNREFUSED 10.0.0.7:80" }))).toEqual({
      kind: "transient",
      reason: "the subscriber did not answer: connect ECONNREFUSED 10.0.0.7:80",
    });
    expect(
      classify(letter({ errorCode: "400", errorData: "data is not a valid shop.orders.v1.OrderPlaced" })),
    ).toEqual({
      kind: "malformed",
      reason: "the subscriber refused it with 400: data is not a valid shop.orders.v1.OrderPlaced",
    });
    expect(classify(letter({ errorCode: "422" })).reason).toBe(
      "the subscriber refused it with 422: no reason given",
    );
  });

  it("keeps dead what cannot be redriven: no CloudEvent, no subscriber, a subscriber that is no URL, a code that is no status", () => {
    expect(
      classify(letter({ cloudEvent: false, errorData: "not a CloudEvent 1.0: ce_specversion is missing" })),
    ).toEqual({
      kind: "malformed",
      reason:
        "not a CloudEvent, so no subscriber can take it: not a CloudEvent 1.0: ce_specversion is missing",
    });
    expect(classify(letter({ destination: "", errorCode: "500" }))).toMatchObject({
      kind: "malformed",
      reason: expect.stringContaining("names no subscriber"),
    });
    expect(classify(letter({ destination: "file:///etc/passwd", errorCode: "500" }))).toMatchObject({
      kind: "malformed",
      reason: expect.stringContaining("is not an http(s) URL"),
    });
    expect(classify(letter({ errorCode: "soon" })).kind).toBe("malformed");
  });

  it("retries exactly what Knative retries", () => {
    expect([undefined, 500, 503, 404, 408, 409, 429].every(isTransientStatus)).toBe(true);
    expect([200, 301, 400, 401, 403, 410, 422].some(isTransientStatus)).toBe(false);
  });
});
