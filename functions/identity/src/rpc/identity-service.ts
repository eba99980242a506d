/**
 * IdentityService over Connect: convert the request, call a verb, convert the result. Refusals are
 * the verbs' DomainErrors, which the runtime's error interceptor turns into Connect codes.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { type App, caller, clientAddressOf } from "@shop/runtime";
import {
  type IdentityService,
  Role,
  type Tokens,
  TokensSchema,
  type User as UserMessage,
  UserSchema,
} from "@shop/schemas/identity/v1/identity";
import {
  checkPassword,
  getUser,
  login,
  logout,
  prepareAccount,
  refresh,
  register,
  requestPasswordReset,
  resetPassword,
  type TokenPair,
  type User,
  unwrap,
  verifyEmail,
} from "../identity/index.ts";
import type { IdentityDeps } from "../setup.ts";

/** The implementation of IdentityService with identity's `deps`, on `app`. */
export function identityService(deps: IdentityDeps, app: App): ServiceImpl<typeof IdentityService> {
  return {
    async register(req) {
      const account = await prepareAccount({ email: req.email, password: req.password }, deps);
      const user = await app.transaction((tx) => register(tx, account, deps));
      return { user: toUserMessage(user) };
    },
    async login(req, context) {
      const input = {
        email: req.email,
        password: req.password,
        address: clientAddressOf(context.requestHeader),
      };
      // A refusal returned by the verb is thrown only now, after its transaction committed what it wrote.
      const { user, tokens } = unwrap(await app.transaction((tx) => login(tx, input, deps)));
      return { user: toUserMessage(user), tokens: toTokensMessage(tokens) };
    },
    async refresh(req) {
      const tokens = unwrap(
        await app.transaction((tx) => refresh(tx, { refreshToken: req.refreshToken }, deps)),
      );
      return { tokens: toTokensMessage(tokens) };
    },
    async logout(req) {
      await app.transaction((tx) => logout(tx, { refreshToken: req.refreshToken }, deps));
      return {};
    },
    async me(_req, context) {
      const { userId, sessionId } = caller(context);
      const user = await getUser(app.db, userId, sessionId);
      return { user: toUserMessage(user) };
    },
    async verifyEmail(req) {
      const user = await app.transaction((tx) => verifyEmail(tx, { token: req.token }, deps));
      return { user: toUserMessage(user) };
    },
    async requestPasswordReset(req, context) {
      const input = { email: req.email, address: clientAddressOf(context.requestHeader) };
      await app.transaction((tx) => requestPasswordReset(tx, input, deps));
      return {};
    },
    async resetPassword(req) {
      // The policy of Register, and the hash outside the transaction (scrypt's time holds no connection).
      checkPassword(req.newPassword);
      const passwordHash = await deps.passwords.hash(req.newPassword);
      await app.transaction((tx) => resetPassword(tx, { token: req.token, passwordHash }, deps));
      return {};
    },
  };
}

function toUserMessage(user: User): UserMessage {
  return create(UserSchema, {
    id: user.id,
    email: user.email,
    role: user.role === "admin" ? Role.ADMIN : Role.CUSTOMER,
    createdAt: timestampFromDate(user.createdAt),
    emailVerified: user.emailVerified,
  });
}

function toTokensMessage(tokens: TokenPair): Tokens {
  return create(TokensSchema, {
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: timestampFromDate(tokens.accessTokenExpiresAt),
    refreshToken: tokens.refreshToken,
    refreshTokenExpiresAt: timestampFromDate(tokens.refreshTokenExpiresAt),
  });
}
