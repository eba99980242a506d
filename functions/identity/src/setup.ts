/**
 * The dependencies of identity, built once per running function from its config and secrets, and
 * the admin bootstrap that runs once they exist.
 */
import {
  type App,
  createTokenSigner,
  type SetupContext,
  sealNotificationToken,
  type TokenSigner,
} from "@shop/runtime";
import { type IdentityConfig, readAdminCredentials } from "./config.ts";
import {
  type AddressLimiter,
  createAddressLimiter,
  createPasswordHasher,
  ensureAdmin,
  type LinkSealer,
  type PasswordHasher,
} from "./identity/index.ts";

/** What identity's routes and `onStart` receive as `deps`. */
export interface IdentityDeps {
  passwords: PasswordHasher;
  /** Failed logins per client address, in this instance's memory. */
  addressLimiter: AddressLimiter;
  /** Password reset requests per client address and per email, in this instance's memory. */
  resetLimiter: AddressLimiter;
  /** Seals the token of an emailed link for notifications (Transit key shop-notification-token). */
  sealLinkToken: LinkSealer;
  /** Signs access tokens with identity's key (`shop/identity/jwt`). */
  signer: TokenSigner;
  /** The time now; tests pass a clock they move (lockouts without sleeping). */
  now: () => Date;
}

/** Builds the dependencies of identity. */
export function setup({ config, app }: SetupContext<IdentityConfig>): IdentityDeps {
  return {
    passwords: createPasswordHasher(config.passwordCost),
    addressLimiter: createAddressLimiter(config.addressLimits),
    resetLimiter: createAddressLimiter(config.resetLimits),
    sealLinkToken: (token, userId) => sealNotificationToken(app.secrets, token, userId),
    signer: createTokenSigner(app.secrets),
    now: () => new Date(),
  };
}

/** Makes the account of the admin secret an admin with its password, before identity serves. */
export async function onStart(deps: IdentityDeps, app: App): Promise<void> {
  const admin = await readAdminCredentials(app.secrets);
  const change = await app.transaction((tx) => ensureAdmin(tx, admin, deps));
  if (change === "not-promoted") {
    app.logger.error(
      { email: admin.email, change },
      "the admin email %s belongs to an account identity did not create, whose password is not the " +
        "admin secret's: it stays a customer, and there is no admin until that account is removed or " +
        "the secret names another email",
      admin.email,
    );
  } else if (change !== "unchanged") {
    app.logger.info({ email: admin.email, change }, "admin account %s", change);
  }
  if (admin.isDevDefault) {
    // The dev defaults are public (DEV_ADMIN in config.ts), so naming them here leaks nothing. With
    // the local secret store (the one that takes dev defaults) the start banner prints them anyway, so
    // it is no warning there; with a real store (Vault) it is.
    const local = typeof app.secrets.useDevDefaults === "function";
    app.logger[local ? "info" : "warn"](
      "using the dev admin account %s / %s: set the secret shop/identity/admin outside development",
      admin.email,
      admin.password,
    );
  }
}
