/**
 * IdentityService over Connect: each method checks its request, calls a verb and maps the result.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { type App, caller, clientAddressOf, createTokenSigner } from "@shop/runtime";
import {
  type IdentityService,
  Role,
  type Tokens,
  TokensSchema,
  type User as UserMessage,
  UserSchema,
} from "@shop/schemas/identity/v1/identity";
import {
  type AddressLimiter,
  createAddressLimiter,
  createPasswordHasher,
  getUser,
  IdentityError,
  type IdentityErrorReason,
  login,
  logout,
  type Outcome,
  type PasswordHasher,
  prepareAccount,
  refresh,
  register,
  type TokenPair,
  tooManyFromAddress,
  type User,
} from "../identity/index.ts";

/** What the service needs besides the app; tests pass a clock. */
export interface IdentityServiceOptions {
  now?: () => Date;
  passwords?: PasswordHasher;
  /** Failed logins per client address; one per service instance by default. */
  addressLimiter?: AddressLimiter;
}

/** Builds the IdentityService implementation. */
export function identityService(
  app: App,
  options: IdentityServiceOptions = {},
): ServiceImpl<typeof IdentityService> {
  const now = options.now ?? (() => new Date());
  const signer = createTokenSigner(app.secrets);
  const passwords = options.passwords ?? createPasswordHasher();
  const addresses = options.addressLimiter ?? createAddressLimiter();
  return {
    async register(req) {
      const account = await mapErrors(() => prepareAccount(req, passwords));
      const user = await mapErrors(() => app.transaction((tx) => register(tx, account, now())));
      return { user: toUserMessage(user) };
    },
    async login(req, context) {
      // Refused before any work (no password hash computed) while the address is over its budget.
      const address = clientAddressOf(context.requestHeader);
      const wait = addresses.retryAfter(address, now());
      if (wait > 0) await mapErrors(() => Promise.reject(tooManyFromAddress(wait)));
      const { user, tokens } = await mapErrors(() =>
        app
          .transaction((tx) => login(tx, req, { signer, passwords, now: now() }))
          .then((outcome) => {
            if (!outcome.ok) addresses.failed(address, now());
            return unwrap(outcome);
          }),
      );
      return { user: toUserMessage(user), tokens: toTokensMessage(tokens) };
    },
    async refresh(req) {
      const tokens = await mapErrors(() =>
        app.transaction((tx) => refresh(tx, req.refreshToken, { signer, now: now() })).then(unwrap),
      );
      return { tokens: toTokensMessage(tokens) };
    },
    async logout(req) {
      await app.transaction((tx) => logout(tx, req.refreshToken, now()));
      return {};
    },
    async me(_req, context) {
      const user = await mapErrors(() => getUser(app.db, caller(context).userId));
      return { user: toUserMessage(user) };
    },
  };
}

// A refusal returned by a verb is thrown only now, after its transaction committed what it wrote.
function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

const CODES: Record<IdentityErrorReason, Code> = {
  "invalid-input": Code.InvalidArgument,
  "email-taken": Code.AlreadyExists,
  "bad-credentials": Code.Unauthenticated,
  locked: Code.ResourceExhausted,
  "bad-refresh-token": Code.Unauthenticated,
  "unknown-user": Code.NotFound,
};

async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof IdentityError) throw new ConnectError(error.message, CODES[error.reason]);
    throw error;
  }
}

function toUserMessage(user: User): UserMessage {
  return create(UserSchema, {
    id: user.id,
    email: user.email,
    role: user.role === "admin" ? Role.ADMIN : Role.CUSTOMER,
    createdAt: timestampFromDate(user.createdAt),
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
