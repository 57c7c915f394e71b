// SigV4 verification, the account-wide token bucket and injected faults, as SDK users meet them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ListHostedZonesCommand, GetHostedZoneCountCommand, CreateHostedZoneCommand, ChangeResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { GetDomainDetailCommand } from "@aws-sdk/client-route-53-domains";
import { route53, domains, resetSettings, control, rejects, unique, accessKeyId, signedFetch } from "./helpers.mjs";

before(() => resetSettings());
after(() => resetSettings());

test("A wrong secret key gets 403 SignatureDoesNotMatch", async () => {
  const bad = route53({ credentials: { accessKeyId, secretAccessKey: "not-the-secret" } });
  const e = await rejects(bad.send(new ListHostedZonesCommand({})));
  assert.equal(e.name, "SignatureDoesNotMatch");
  assert.equal(e.$metadata.httpStatusCode, 403);
  assert.match(e.message, /^The request signature we calculated does not match the signature you provided/);
});

test("An unknown access key gets 403 InvalidClientTokenId", async () => {
  const bad = route53({ credentials: { accessKeyId: "AKIDUNKNOWN", secretAccessKey: "x" } });
  const e = await rejects(bad.send(new ListHostedZonesCommand({})));
  assert.equal(e.name, "InvalidClientTokenId");
  assert.equal(e.$metadata.httpStatusCode, 403);
});

test("A clock more than 5 minutes off gets 403 RequestExpired", async () => {
  const skewed = route53({ systemClockOffset: -10 * 60 * 1000 });
  const e = await rejects(skewed.send(new ListHostedZonesCommand({})));
  assert.equal(e.name, "RequestExpired");
  assert.equal(e.$metadata.httpStatusCode, 403);
  assert.match(e.message, /^Signature expired: /);
});

test("An unsigned request is refused with 403", async () => {
  const res = await fetch(new URL("/2013-04-01/hostedzone", process.env.EMULATOR_ENDPOINT));
  assert.equal(res.status, 403);
  assert.match(await res.text(), /<Code>MissingAuthenticationToken<\/Code>/);
});

test("A body changed after signing fails the signature check", async () => {
  const good = await signedFetch("GET", "/2013-04-01/hostedzonecount");
  assert.equal(good.status, 200, good.text);
  const wrongSecret = await signedFetch("GET", "/2013-04-01/hostedzonecount", { secret: "nope" });
  assert.equal(wrongSecret.status, 403);
  assert.match(wrongSecret.text, /SignatureDoesNotMatch/);
});

test("Route 53 Domains refuses a wrong secret with the JSON-protocol error", async () => {
  const bad = domains({ credentials: { accessKeyId, secretAccessKey: "not-the-secret" } });
  const e = await rejects(bad.send(new GetDomainDetailCommand({ DomainName: "example.com" })));
  assert.equal(e.name, "InvalidSignatureException");
  assert.equal(e.$metadata.httpStatusCode, 400);
});

test("The token bucket answers Throttling 'Rate exceeded' once the burst is spent", async () => {
  await control("POST", "settings", { rateLimitBurst: 3, rateLimitPerSecond: 0.01 });
  try {
    const r53 = route53();
    for (let i = 0; i < 3; i++) await r53.send(new GetHostedZoneCountCommand({}));
    const e = await rejects(r53.send(new GetHostedZoneCountCommand({})));
    assert.equal(e.name, "Throttling");
    assert.equal(e.message, "Rate exceeded");
    assert.equal(e.$metadata.httpStatusCode, 400);
    const stats = await control("GET", "stats");
    assert.ok(stats.operations.GetHostedZoneCount.Throttling >= 1);
  } finally {
    await resetSettings();
  }
});

test("The SDK treats the emulator's Throttling as retryable", async () => {
  await control("POST", "faults", { operation: "GetHostedZoneCount", code: "Throttling", count: 1 });
  const ok = await route53({ maxAttempts: 3 }).send(new GetHostedZoneCountCommand({}));
  assert.equal(ok.$metadata.attempts, 2);
});

test("'Next N calls fail' faults hit only the named operation, then stop; stats count calls per operation and outcome", async () => {
  await control("DELETE", "stats");
  await control("POST", "faults", { operation: "ChangeResourceRecordSets", code: "InternalError", count: 2 });
  const r53 = route53();
  const z = await r53.send(new CreateHostedZoneCommand({ Name: `${unique("f")}.com`, CallerReference: unique("ref") }));
  const batch = { HostedZoneId: z.HostedZone.Id, ChangeBatch: { Changes: [{ Action: "CREATE", ResourceRecordSet: { Name: `a.${z.HostedZone.Name}`, Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.1" }] } }] } };
  for (let i = 0; i < 2; i++) {
    const e = await rejects(r53.send(new ChangeResourceRecordSetsCommand(batch)));
    assert.equal(e.name, "InternalError");
    assert.equal(e.$metadata.httpStatusCode, 500);
  }
  await r53.send(new ChangeResourceRecordSetsCommand(batch));
  const stats = await control("GET", "stats");
  assert.deepEqual(stats.operations.ChangeResourceRecordSets, { InternalError: 2, ok: 1 });
  assert.equal(stats.operations.CreateHostedZone.ok, 1);
});

test("A fault with probability 0 never fires and one with latency delays the answer", async () => {
  await control("POST", "faults", [{ operation: "GetHostedZoneCount", code: "ServiceUnavailable", probability: 0 }, { operation: "GetHostedZoneCount", latencyMs: 300 }]);
  try {
    const started = Date.now();
    await route53().send(new GetHostedZoneCountCommand({}));
    assert.ok(Date.now() - started >= 290, `answered after ${Date.now() - started} ms`);
  } finally {
    await control("DELETE", "faults");
  }
});

test("An injected PriorRequestNotComplete is retried by the SDK (it is a transient error)", async () => {
  await control("POST", "faults", { operation: "ListHostedZones", code: "PriorRequestNotComplete", count: 1 });
  const r = await route53({ maxAttempts: 3 }).send(new ListHostedZonesCommand({}));
  assert.equal(r.$metadata.attempts, 2);
});
