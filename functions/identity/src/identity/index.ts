/**
 * The verbs of identity, free of transport, and what they are built from: what its RPC methods,
 * its setup and its start call.
 */
export { type AddressLimiter, type AddressLimits, createAddressLimiter } from "./address-limiter.ts";
export { type AdminChange, ensureAdmin } from "./ensure-admin.ts";
export { type Outcome, unwrap } from "./errors.ts";
export { getUser } from "./get-user.ts";
export { LINK_SECONDS, type LinkPurpose, type LinkSealer } from "./link-tokens.ts";
export { type LoginDeps, type LoginInput, login } from "./login.ts";
export { logout } from "./logout.ts";
export { createPasswordHasher, type PasswordHasher, type ScryptCost } from "./passwords.ts";
export { refresh } from "./refresh.ts";
export {
  checkPassword,
  type NewAccount,
  prepareAccount,
  type RegisterInput,
  register,
} from "./register.ts";
export {
  type PasswordResetRequestDeps,
  type PasswordResetRequestInput,
  requestPasswordReset,
} from "./request-password-reset.ts";
export { type PasswordReset, resetPassword } from "./reset-password.ts";
export type { TokenPair } from "./tokens.ts";
export type { User } from "./users.ts";
export { verifyEmail } from "./verify-email.ts";
