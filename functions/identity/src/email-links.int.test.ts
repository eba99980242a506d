/**
 * Emailed links on real Kafka and Postgres, with Transit from the Vault double (or a real Vault, as the
 * other Vault tests): identity seals with its own policy, and what it put on the topic opens with
 * notifications' policy to a token that identity's RPCs accept, once.
 */
import { type DescMessage, isMessage, type MessageShape } from "@bufbuild/protobuf";
import { type Client, Code, ConnectError } from "@connectrpc/connect";
import {
  type DecodedEvent,
  decodeEvent,
  fromKafkaRecord,
  keyFromSeed,
  NOTIFICATION_TOKEN_KEY,
  openNotificationToken,
  type SecretStore,
  vaultOptionsFromEnv,
  vaultSecretStore,
} from "@shop/runtime";
import {
  captureLogs,
  createTestDatabase,
  provisionFunction,
  putSigningKey,
  testClient,
  testTopic,
  type VaultTarget,
  vaultForTests,
  waitFor,
} from "@shop/runtime/testing";
import {
  EmailVerifiedSchema,
  PasswordChangedSchema,
  PasswordResetRequestedSchema,
  UserRegisteredSchema,
} from "@shop/schemas/identity/v1/events";
import { IdentityService } from "@shop/schemas/identity/v1/identity";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { noAddressLimit, type RunningIdentity, startIdentity } from "./test-support.ts";

let vault: VaultTarget;
let fn: RunningIdentity;
let identity: Client<typeof IdentityService>;
// What notifications opens sealed tokens with: a store logged in with its cluster policy.
let notifications: SecretStore & { close(): Promise<void> };
let identitySecrets: SecretStore & { close(): Promise<void> };
const topic = testTopic("identity-links");
// What a consumer of the topic has read, decoded: an external consumer's view, as notifications' Trigger gets it.
const onTheTopic: DecodedEvent[] = [];
const kafka = new Kafka({
  clientId: "identity-links-test",
  brokers: inject("kafkaBrokers").split(","),
  logLevel: logLevel.NOTHING,
});
const consumer = kafka.consumer({ groupId: `identity-links-${topic}` });

async function storeFor(name: string) {
  const env = await provisionFunction(vault, name);
  return vaultSecretStore(vaultOptionsFromEnv(env, captureLogs(name).logger));
}

/** The events of type `schema` read from the topic that `match`, once there is one. */
async function onTopic<Desc extends DescMessage>(
  schema: Desc,
  match: (message: MessageShape<Desc>) => boolean,
): Promise<MessageShape<Desc>[]> {
  const found = () =>
    onTheTopic.map((e) => e.message).filter((m): m is MessageShape<Desc> => isMessage(m, schema) && match(m));
  await waitFor(() => found().length > 0, { timeoutMs: 30_000, message: `${schema.typeName} on the topic` });
  return found();
}

beforeAll(async () => {
  vault = await vaultForTests();
  await putSigningKey(vault, keyFromSeed("email links int test key", "k-links"));
  await vault.put("shop/identity/admin", { email: "ops@shop.example", password: "links-admin-password" });
  await vault.addTransitKey(NOTIFICATION_TOKEN_KEY);
  identitySecrets = await storeFor("identity");
  notifications = await storeFor("notifications");
  fn = await startIdentity({
    secrets: identitySecrets,
    config: {
      database: { kind: "postgres", url: await createTestDatabase(inject("databaseUrl")) },
      kafkaBrokers: inject("kafkaBrokers").split(","),
      eventsTopic: topic,
    },
    deps: { addressLimiter: noAddressLimit, resetLimiter: noAddressLimit },
  });
  identity = await testClient(fn, IdentityService);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
      );
      const record = {
        key: message.key?.toString() ?? null,
        value: message.value ?? Buffer.alloc(0),
        headers,
      };
      const decoded = decodeEvent(fromKafkaRecord(record));
      if (decoded) onTheTopic.push(decoded);
    },
  });
}, 120_000);
afterAll(async () => {
  await consumer.disconnect();
  await fn?.close();
  await identitySecrets?.close();
  await notifications?.close();
  await vault?.close();
});

async function code(promise: Promise<unknown>): Promise<Code | undefined> {
  return promise.then(
    () => undefined,
    (e: unknown) => ConnectError.from(e).code,
  );
}

describe("emailed links on real Kafka and Postgres, sealed with Transit", { timeout: 90_000 }, () => {
  it("the UserRegistered on the topic carries a token notifications opens and VerifyEmail accepts", async () => {
    const { user } = await identity.register({ email: "lena@example.com", password: "lena-password" });
    const [event] = await onTopic(UserRegisteredSchema, (e) => e.userId === user?.id);
    expect(event?.sealedVerificationToken).toMatch(/^vault:v1:/);
    const token = await openNotificationToken(
      notifications,
      event?.sealedVerificationToken ?? "",
      user?.id ?? "",
    );
    // identity itself may only seal: it cannot read the token back from its own event.
    await expect(
      openNotificationToken(identitySecrets, event?.sealedVerificationToken ?? "", user?.id ?? ""),
    ).rejects.toThrow(/HTTP 403/);

    const verified = await identity.verifyEmail({ token });
    expect(verified.user).toMatchObject({ id: user?.id, emailVerified: true });
    await onTopic(EmailVerifiedSchema, (e) => e.userId === user?.id);
    expect(await code(identity.verifyEmail({ token }))).toBe(Code.InvalidArgument);
  });

  it("RequestPasswordReset → PasswordResetRequested → ResetPassword ends the old session, once", async () => {
    await identity.register({ email: "omar@example.com", password: "omar-password" });
    const session = await identity.login({ email: "omar@example.com", password: "omar-password" });
    await identity.requestPasswordReset({ email: "omar@example.com" });
    const [requested] = await onTopic(PasswordResetRequestedSchema, (e) => e.email === "omar@example.com");
    const token = await openNotificationToken(
      notifications,
      requested?.sealedResetToken ?? "",
      requested?.userId ?? "",
    );

    await identity.resetPassword({ token, newPassword: "omar-new-password" });
    expect(await code(identity.refresh({ refreshToken: session.tokens?.refreshToken ?? "" }))).toBe(
      Code.Unauthenticated,
    );
    expect(await code(identity.resetPassword({ token, newPassword: "omar-third-password" }))).toBe(
      Code.InvalidArgument,
    );
    await identity.login({ email: "omar@example.com", password: "omar-new-password" });
    await onTopic(PasswordChangedSchema, (e) => e.userId === requested?.userId);
  });
});
