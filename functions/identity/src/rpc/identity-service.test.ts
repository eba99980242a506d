import { isMessage } from "@bufbuild/protobuf";
import { type Client, Code, ConnectError } from "@connectrpc/connect";
import { publishedEvents, testClient } from "@shop/runtime/testing";
import { UserRegisteredSchema } from "@shop/schemas/identity/v1/events";
import { IdentityService, Role } from "@shop/schemas/identity/v1/identity";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEV_ADMIN } from "../function.ts";
import { noAddressLimit, type RunningIdentity, startIdentity } from "../test-support.ts";

// Generous: other test files may be keeping this machine's cores busy.
vi.setConfig({ testTimeout: 30_000 });

let fn: RunningIdentity;
// An anonymous client through identity's own routes and interceptor chain.
let identity: Client<typeof IdentityService>;
// A clock the test moves (lockouts without sleeping).
let clock = new Date("2030-01-01T00:00:00Z");

async function codeOf(promise: Promise<unknown>): Promise<{ code: Code; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return { code: (error as ConnectError).code, message: (error as ConnectError).rawMessage };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const later = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};

// Starting PGlite takes a few seconds, more on a busy machine. The address limit has its own
// function below: here every login comes from the same (absent) address.
beforeAll(async () => {
  fn = await startIdentity({ deps: { now: () => clock, addressLimiter: noAddressLimit } });
  identity = await testClient(fn, IdentityService);
}, 120_000);
afterAll(() => fn.close());

describe("IdentityService", () => {
  it("registers a customer with a normalised email and emits UserRegistered", async () => {
    const { user } = await identity.register({ email: "  Alice@Example.COM ", password: "correct horse" });
    expect(user).toMatchObject({ email: "alice@example.com", role: Role.CUSTOMER });
    const events = await publishedEvents(fn);
    const registered = events.filter((e) => isMessage(e.message, UserRegisteredSchema));
    expect(registered.map((e) => e.message)).toEqual([
      expect.objectContaining({ userId: user?.id, email: "alice@example.com" }),
    ]);
    expect(registered[0]?.event.partitionkey).toBe(user?.id);
  });

  it("refuses a second account with the same email, whatever its case", async () => {
    await identity.register({ email: "bob@example.com", password: "password-1" });
    const refused = await codeOf(identity.register({ email: "BOB@example.com", password: "password-2" }));
    expect(refused.code).toBe(Code.AlreadyExists);
  });

  it("refuses a malformed email or a short password", async () => {
    for (const email of ["", "not-an-email", "a@b", "a b@example.com"]) {
      expect((await codeOf(identity.register({ email, password: "long enough" }))).code).toBe(
        Code.InvalidArgument,
      );
    }
    const short = await codeOf(identity.register({ email: "carol@example.com", password: "1234567" }));
    expect(short).toEqual({
      code: Code.InvalidArgument,
      message: "The password must have at least 8 characters.",
    });
  });

  it("logs in and shows the caller's account with Me", async () => {
    await identity.register({ email: "dave@example.com", password: "dave-secret" });
    const { user, tokens } = await identity.login({ email: "Dave@example.com", password: "dave-secret" });
    expect(tokens?.accessToken).toBeTruthy();
    expect(tokens?.refreshToken).toMatch(/^[\w-]{43}$/);
    const accessSeconds = Number(tokens?.accessTokenExpiresAt?.seconds) - Date.now() / 1000;
    expect(accessSeconds).toBeGreaterThan(14 * 60);
    expect(accessSeconds).toBeLessThanOrEqual(15 * 60);
    expect(Number(tokens?.refreshTokenExpiresAt?.seconds)).toBe(clock.getTime() / 1000 + 30 * 24 * 3600);
    const me = await identity.me({}, bearer(tokens?.accessToken ?? ""));
    expect(me.user).toMatchObject({ id: user?.id, email: "dave@example.com", role: Role.CUSTOMER });
    expect((await codeOf(identity.me({}))).code).toBe(Code.Unauthenticated);
  });

  it("answers a wrong password and an unknown email with the same sentence", async () => {
    await identity.register({ email: "erin@example.com", password: "erin-secret" });
    const wrongPassword = await codeOf(identity.login({ email: "erin@example.com", password: "nope-nope" }));
    const unknownEmail = await codeOf(
      identity.login({ email: "nobody@example.com", password: "erin-secret" }),
    );
    expect(wrongPassword.code).toBe(Code.Unauthenticated);
    expect(unknownEmail).toEqual(wrongPassword);
  });

  it("rotates refresh tokens, and a reused one ends the whole session", async () => {
    await identity.register({ email: "frank@example.com", password: "frank-secret" });
    const first = (await identity.login({ email: "frank@example.com", password: "frank-secret" })).tokens;
    const second = (await identity.refresh({ refreshToken: first?.refreshToken ?? "" })).tokens;
    expect(second?.refreshToken).not.toBe(first?.refreshToken);
    await identity.me({}, bearer(second?.accessToken ?? ""));
    const third = (await identity.refresh({ refreshToken: second?.refreshToken ?? "" })).tokens;

    // The first token again: someone copied it. The newest token stops working too.
    expect((await codeOf(identity.refresh({ refreshToken: first?.refreshToken ?? "" }))).code).toBe(
      Code.Unauthenticated,
    );
    expect((await codeOf(identity.refresh({ refreshToken: third?.refreshToken ?? "" }))).code).toBe(
      Code.Unauthenticated,
    );
    // Another session of the same account is not affected.
    const other = (await identity.login({ email: "frank@example.com", password: "frank-secret" })).tokens;
    await expect(identity.refresh({ refreshToken: other?.refreshToken ?? "" })).resolves.toBeTruthy();
  });

  it("refuses an unknown or expired refresh token", async () => {
    expect((await codeOf(identity.refresh({ refreshToken: "made-up" }))).code).toBe(Code.Unauthenticated);
    await identity.register({ email: "gina@example.com", password: "gina-secret" });
    const tokens = (await identity.login({ email: "gina@example.com", password: "gina-secret" })).tokens;
    later(31 * 24 * 3600);
    expect((await codeOf(identity.refresh({ refreshToken: tokens?.refreshToken ?? "" }))).code).toBe(
      Code.Unauthenticated,
    );
  });

  it("logs out by revoking the refresh token, and logging out twice is fine", async () => {
    await identity.register({ email: "hank@example.com", password: "hank-secret" });
    const tokens = (await identity.login({ email: "hank@example.com", password: "hank-secret" })).tokens;
    await identity.logout({ refreshToken: tokens?.refreshToken ?? "" });
    await identity.logout({ refreshToken: tokens?.refreshToken ?? "" });
    await identity.logout({ refreshToken: "never-issued" });
    expect((await codeOf(identity.refresh({ refreshToken: tokens?.refreshToken ?? "" }))).code).toBe(
      Code.Unauthenticated,
    );
  });

  it("locks an account after 5 failures in a row, for a time that doubles, until a success", async () => {
    await identity.register({ email: "ivy@example.com", password: "ivy-secret" });
    const wrong = () => codeOf(identity.login({ email: "ivy@example.com", password: "wrong-guess" }));
    for (let i = 0; i < 5; i++) expect((await wrong()).code).toBe(Code.Unauthenticated);

    // Locked for 1 s: even the right password is refused, and nothing is checked meanwhile.
    expect(await codeOf(identity.login({ email: "ivy@example.com", password: "ivy-secret" }))).toEqual({
      code: Code.ResourceExhausted,
      message: "Too many failed attempts; try again in 1 second.",
    });
    later(1);
    expect((await wrong()).code).toBe(Code.Unauthenticated);
    expect((await wrong()).message).toBe("Too many failed attempts; try again in 2 seconds.");
    later(2);
    await wrong();
    expect((await wrong()).message).toBe("Too many failed attempts; try again in 4 seconds.");

    // A success after the lock resets the count: the next failure is free again.
    later(4);
    await identity.login({ email: "ivy@example.com", password: "ivy-secret" });
    for (let i = 0; i < 4; i++) expect((await wrong()).code).toBe(Code.Unauthenticated);
    expect((await wrong()).code).toBe(Code.Unauthenticated);
    expect((await wrong()).code).toBe(Code.ResourceExhausted);
  });

  it("caps the lock at 15 minutes", async () => {
    await identity.register({ email: "jack@example.com", password: "jack-secret" });
    const wrong = () => codeOf(identity.login({ email: "jack@example.com", password: "wrong-guess" }));
    for (let i = 0; i < 5; i++) await wrong();
    for (let lock = 1; lock < 900; lock *= 2) {
      later(lock);
      expect((await wrong()).code).toBe(Code.Unauthenticated);
    }
    expect((await wrong()).message).toBe("Too many failed attempts; try again in 900 seconds.");
  });

  it("creates the admin account from the secret store at start", async () => {
    const { user, tokens } = await identity.login(DEV_ADMIN);
    expect(user?.role).toBe(Role.ADMIN);
    expect((await identity.me({}, bearer(tokens?.accessToken ?? ""))).user?.email).toBe(DEV_ADMIN.email);
  });

  it("refuses an empty login with InvalidArgument", async () => {
    expect((await codeOf(identity.login({ email: "", password: "" }))).code).toBe(Code.InvalidArgument);
  });
});

describe("IdentityService per client address", () => {
  let limitedFn: RunningIdentity;
  beforeAll(async () => {
    const addressLimits = { burst: 3, refillSeconds: 60, maxAddresses: 10 };
    limitedFn = await startIdentity({ settings: { addressLimits }, deps: { now: () => clock } });
  }, 120_000);
  afterAll(() => limitedFn.close());

  it("refuses an address that failed too often, whichever accounts it tried, before checking anything", async () => {
    const limited = await testClient(limitedFn, IdentityService);
    const from = (address: string) => ({ headers: { "x-shop-client-address": address } });
    await limited.register({ email: "kim@example.com", password: "kim-secret" });
    for (const email of ["kim@example.com", "nobody-1@example.com", "nobody-2@example.com"]) {
      const refused = await codeOf(limited.login({ email, password: "wrong-guess" }, from("203.0.113.7")));
      expect(refused.code).toBe(Code.Unauthenticated);
    }
    // Even the right password is refused from that address now; another address is not affected.
    expect(
      await codeOf(limited.login({ email: "kim@example.com", password: "kim-secret" }, from("203.0.113.7"))),
    ).toEqual({
      code: Code.ResourceExhausted,
      message: "Too many failed logins from your network; try again in 60 seconds.",
    });
    await limited.login({ email: "kim@example.com", password: "kim-secret" }, from("198.51.100.1"));
    later(60);
    await limited.login({ email: "kim@example.com", password: "kim-secret" }, from("203.0.113.7"));
  });
});
