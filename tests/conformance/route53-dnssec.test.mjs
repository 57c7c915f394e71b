// DNSSEC signing operations against the emulator, through the official AWS SDK for JavaScript v3: the SDK must
// serialise each request to the paths and bodies the emulator routes, and parse its answers and errors.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import {
  CreateHostedZoneCommand, DeleteHostedZoneCommand, GetDNSSECCommand, CreateKeySigningKeyCommand, ActivateKeySigningKeyCommand,
  DeactivateKeySigningKeyCommand, DeleteKeySigningKeyCommand, EnableHostedZoneDNSSECCommand, DisableHostedZoneDNSSECCommand,
} from "@aws-sdk/client-route-53";
import { route53, resetSettings, unique, rejects, bareId, waitInsync } from "./helpers.mjs";

const r53 = route53();
before(() => resetSettings());

const kms = (region = "us-east-1") => `arn:aws:kms:${region}:111122223333:key/${unique("k")}-0000-4000-8000-000000000000`;
const zone = async () => (await r53.send(new CreateHostedZoneCommand({ Name: `${unique("sec")}.com`, CallerReference: unique("ref") }))).HostedZone;
const createKsk = (z, name, status = "ACTIVE", arn = kms()) => r53.send(new CreateKeySigningKeyCommand({
  CallerReference: unique("ref"), HostedZoneId: bareId(z.Id), KeyManagementServiceArn: arn, Name: name, Status: status,
}));

test("CreateKeySigningKey answers 201 with Location, a PENDING change and the key's DS and DNSKEY (ECDSAP256SHA256, SHA-256)", async () => {
  const z = await zone();
  const r = await createKsk(z, "ksk_main");
  assert.equal(r.$metadata.httpStatusCode, 201);
  assert.equal(r.Location, `https://route53.amazonaws.com/2013-04-01/keysigningkey/${bareId(z.Id)}/ksk_main`);
  assert.equal(r.ChangeInfo.Status, "PENDING");
  const k = r.KeySigningKey;
  assert.equal(k.Name, "ksk_main");
  assert.equal(k.Flag, 257);
  assert.equal(k.SigningAlgorithmMnemonic, "ECDSAP256SHA256");
  assert.equal(k.SigningAlgorithmType, 13);
  assert.equal(k.DigestAlgorithmMnemonic, "SHA-256");
  assert.equal(k.DigestAlgorithmType, 2);
  assert.equal(k.Status, "ACTIVE");
  assert.match(k.DSRecord, new RegExp(`^${k.KeyTag} 13 2 ${k.DigestValue}$`));
  assert.equal(k.DNSKEYRecord, `257 3 13 ${k.PublicKey}`);
  assert.ok(k.CreatedDate instanceof Date && k.LastModifiedDate instanceof Date);
});

test("Enable, GetDNSSEC (SIGNING with the key), Disable (NOT_SIGNING), then deactivate and delete the key", async () => {
  const z = await zone();
  await createKsk(z, "ksk_a");
  const enabled = await r53.send(new EnableHostedZoneDNSSECCommand({ HostedZoneId: bareId(z.Id) }));
  assert.match(enabled.ChangeInfo.Id, /^\/change\/C[A-Z0-9]+$/);
  await waitInsync(r53, enabled.ChangeInfo.Id);
  const on = await r53.send(new GetDNSSECCommand({ HostedZoneId: bareId(z.Id) }));
  assert.equal(on.Status.ServeSignature, "SIGNING");
  assert.deepEqual(on.KeySigningKeys.map((k) => [k.Name, k.Status]), [["ksk_a", "ACTIVE"]]);
  const inUse = await rejects(r53.send(new DeactivateKeySigningKeyCommand({ HostedZoneId: bareId(z.Id), Name: "ksk_a" })));
  assert.equal(inUse.name, "KeySigningKeyInUse");
  const notEmpty = await rejects(r53.send(new DeleteHostedZoneCommand({ Id: z.Id })));
  assert.equal(notEmpty.name, "HostedZoneNotEmpty");

  const disabled = await r53.send(new DisableHostedZoneDNSSECCommand({ HostedZoneId: bareId(z.Id) }));
  await waitInsync(r53, disabled.ChangeInfo.Id);
  assert.equal((await r53.send(new GetDNSSECCommand({ HostedZoneId: bareId(z.Id) }))).Status.ServeSignature, "NOT_SIGNING");
  const deactivated = await r53.send(new DeactivateKeySigningKeyCommand({ HostedZoneId: bareId(z.Id), Name: "ksk_a" }));
  assert.equal(deactivated.ChangeInfo.Status, "PENDING");
  await r53.send(new DeleteKeySigningKeyCommand({ HostedZoneId: bareId(z.Id), Name: "ksk_a" }));
  assert.deepEqual((await r53.send(new GetDNSSECCommand({ HostedZoneId: bareId(z.Id) }))).KeySigningKeys ?? [], []);
});

test("KSK refusals carry Route 53's error codes: name, KMS region, duplicate, limit of two, delete while ACTIVE, unknown key, enable without ACTIVE key", async () => {
  const z = await zone();
  assert.equal((await rejects(createKsk(z, "x"))).name, "InvalidKeySigningKeyName");
  assert.equal((await rejects(createKsk(z, "ksk_eu", "ACTIVE", kms("eu-west-1")))).name, "InvalidKMSArn");
  assert.equal((await rejects(r53.send(new EnableHostedZoneDNSSECCommand({ HostedZoneId: bareId(z.Id) })))).name, "KeySigningKeyWithActiveStatusNotFound");
  await createKsk(z, "ksk_1", "INACTIVE");
  const dup = await rejects(createKsk(z, "ksk_1"));
  assert.equal(dup.name, "KeySigningKeyAlreadyExists");
  assert.equal(dup.$metadata.httpStatusCode, 409);
  await createKsk(z, "ksk_2", "INACTIVE");
  assert.equal((await rejects(createKsk(z, "ksk_3"))).name, "TooManyKeySigningKeys");
  await r53.send(new ActivateKeySigningKeyCommand({ HostedZoneId: bareId(z.Id), Name: "ksk_1" }));
  assert.equal((await rejects(r53.send(new DeleteKeySigningKeyCommand({ HostedZoneId: bareId(z.Id), Name: "ksk_1" })))).name, "InvalidKeySigningKeyStatus");
  const missing = await rejects(r53.send(new ActivateKeySigningKeyCommand({ HostedZoneId: bareId(z.Id), Name: "ksk_none" })));
  assert.equal(missing.name, "NoSuchKeySigningKey");
  assert.equal(missing.$metadata.httpStatusCode, 404);
});
