// Route 53 Domains (JSON 1.1) through the official SDK: details, name-server updates as async operations, DS keys.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import {
  GetDomainDetailCommand, UpdateDomainNameserversCommand, GetOperationDetailCommand, ListDomainsCommand,
  AssociateDelegationSignerToDomainCommand, DisassociateDelegationSignerFromDomainCommand,
} from "@aws-sdk/client-route-53-domains";
import { domains, resetSettings, control, rejects, unique, sleep } from "./helpers.mjs";

const client = domains();
before(() => resetSettings({ domainOperationDelayMs: 300 }));

async function register(ns = ["ns1.old-provider.net", "ns2.old-provider.net"]) {
  const name = `${unique("dom")}.com`;
  await control("POST", "domains", { name, nameServers: ns });
  return name;
}

async function waitOperation(id) {
  for (let i = 0; i < 200; i++) {
    const d = await client.send(new GetOperationDetailCommand({ OperationId: id }));
    if (!["SUBMITTED", "IN_PROGRESS"].includes(d.Status)) return d;
    await sleep(50);
  }
  assert.fail(`operation ${id} did not finish`);
}

test("GetDomainDetail returns the registered name servers; an unknown domain is InvalidInput 400", async () => {
  const name = await register();
  const d = await client.send(new GetDomainDetailCommand({ DomainName: name }));
  assert.equal(d.DomainName, name);
  assert.deepEqual(d.Nameservers.map((n) => n.Name), ["ns1.old-provider.net", "ns2.old-provider.net"]);
  assert.ok(d.ExpirationDate instanceof Date);
  const e = await rejects(client.send(new GetDomainDetailCommand({ DomainName: "not-mine-at-all.com" })));
  assert.equal(e.name, "InvalidInput");
  assert.equal(e.$metadata.httpStatusCode, 400);
  assert.equal(e.message, "Domain not-mine-at-all.com not found in 111122223333 account.");
});

test("UpdateDomainNameservers runs IN_PROGRESS then SUCCESSFUL; a second update meanwhile is DuplicateRequest", async () => {
  await control("POST", "settings", { domainOperationDelayMs: 2500 }); // wide window for the IN_PROGRESS checks
  const name = await register();
  const next = [{ Name: "ns-1.awsdns-00.com" }, { Name: "ns-600.awsdns-11.net" }];
  const op = await client.send(new UpdateDomainNameserversCommand({ DomainName: name, Nameservers: next }));
  assert.match(op.OperationId, /^[0-9a-f-]{36}$/);
  const running = await client.send(new GetOperationDetailCommand({ OperationId: op.OperationId }));
  assert.equal(running.Status, "IN_PROGRESS");
  assert.equal(running.Type, "UPDATE_NAMESERVER");
  assert.equal(running.DomainName, name);
  assert.ok(running.SubmittedDate instanceof Date);
  const dup = await rejects(client.send(new UpdateDomainNameserversCommand({ DomainName: name, Nameservers: next })));
  assert.equal(dup.name, "DuplicateRequest");
  // Until the operation succeeds the registry still has the old servers.
  assert.deepEqual((await client.send(new GetDomainDetailCommand({ DomainName: name }))).Nameservers.map((n) => n.Name), ["ns1.old-provider.net", "ns2.old-provider.net"]);
  const done = await waitOperation(op.OperationId);
  await control("POST", "settings", { domainOperationDelayMs: 300 });
  assert.equal(done.Status, "SUCCESSFUL");
  assert.deepEqual((await client.send(new GetDomainDetailCommand({ DomainName: name }))).Nameservers.map((n) => n.Name), next.map((n) => n.Name));
});

test("UpdateDomainNameservers requires glue for in-bailiwick servers and refuses it for others", async () => {
  const name = await register();
  const e1 = await rejects(client.send(new UpdateDomainNameserversCommand({ DomainName: name, Nameservers: [{ Name: `ns1.${name}` }] })));
  assert.equal(e1.name, "InvalidInput");
  const e2 = await rejects(client.send(new UpdateDomainNameserversCommand({ DomainName: name, Nameservers: [{ Name: "ns.example.net", GlueIps: ["192.0.2.1"] }] })));
  assert.equal(e2.name, "InvalidInput");
  const ok = await client.send(new UpdateDomainNameserversCommand({ DomainName: name, Nameservers: [{ Name: `ns1.${name}`, GlueIps: ["192.0.2.53"] }] }));
  assert.equal((await waitOperation(ok.OperationId)).Status, "SUCCESSFUL");
  const d = await client.send(new GetDomainDetailCommand({ DomainName: name }));
  assert.deepEqual(d.Nameservers, [{ Name: `ns1.${name}`, GlueIps: ["192.0.2.53"] }]);
});

test("GetOperationDetail of an unknown operation is InvalidInput", async () => {
  const e = await rejects(client.send(new GetOperationDetailCommand({ OperationId: "00000000-0000-0000-0000-000000000000" })));
  assert.equal(e.name, "InvalidInput");
});

test("ListDomains lists registered domains with BEGINS_WITH filter and pagination", async () => {
  const prefix = unique("lst");
  for (const i of [1, 2, 3]) await control("POST", "domains", { name: `${prefix}${i}.com`, nameServers: ["ns1.example.net"] });
  const first = await client.send(new ListDomainsCommand({ FilterConditions: [{ Name: "DomainName", Operator: "BEGINS_WITH", Values: [prefix] }], MaxItems: 2 }));
  assert.deepEqual(first.Domains.map((d) => d.DomainName), [`${prefix}1.com`, `${prefix}2.com`]);
  assert.ok(first.NextPageMarker);
  const second = await client.send(new ListDomainsCommand({ FilterConditions: [{ Name: "DomainName", Operator: "BEGINS_WITH", Values: [prefix] }], MaxItems: 2, Marker: first.NextPageMarker }));
  assert.deepEqual(second.Domains.map((d) => d.DomainName), [`${prefix}3.com`]);
  assert.equal(second.NextPageMarker, undefined);
});

test("Associate/DisassociateDelegationSigner add and remove a DNSSEC key (DS derived from the DNSKEY)", async () => {
  const name = await register();
  const publicKey = Buffer.from(Array.from({ length: 64 }, (_, i) => i)).toString("base64");
  const op = await client.send(new AssociateDelegationSignerToDomainCommand({ DomainName: name, SigningAttributes: { Algorithm: 13, Flags: 257, PublicKey: publicKey } }));
  const done = await waitOperation(op.OperationId);
  assert.equal(done.Status, "SUCCESSFUL");
  assert.equal(done.Type, "ADD_DNSSEC");
  const d = await client.send(new GetDomainDetailCommand({ DomainName: name }));
  assert.equal(d.DnssecKeys.length, 1);
  const key = d.DnssecKeys[0];
  assert.equal(key.Algorithm, 13);
  assert.equal(key.Flags, 257);
  assert.equal(key.DigestType, 2);
  assert.match(key.Digest, /^[0-9A-F]{64}$/);
  const rm = await client.send(new DisassociateDelegationSignerFromDomainCommand({ DomainName: name, Id: key.Id }));
  assert.equal((await waitOperation(rm.OperationId)).Status, "SUCCESSFUL");
  assert.deepEqual((await client.send(new GetDomainDetailCommand({ DomainName: name }))).DnssecKeys ?? [], []);
});
