// ChangeResourceRecordSets / ListResourceRecordSets semantics: atomic batches, AWS's exact error texts, names, limits.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import {
  CreateHostedZoneCommand, ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, GetChangeCommand,
} from "@aws-sdk/client-route-53";
import { route53, resetSettings, unique, rejects, bareId, waitInsync, signedFetch } from "./helpers.mjs";

const r53 = route53();
before(() => resetSettings());

async function zone() {
  const name = `${unique("rec")}.example`;
  const r = await r53.send(new CreateHostedZoneCommand({ Name: name, CallerReference: unique("ref") }));
  return { id: r.HostedZone.Id, name: r.HostedZone.Name };
}
const change = (id, changes, Comment) => r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Comment, Changes: changes } }));
const set = (Name, Type, values, TTL = 300) => ({ Name, Type, TTL, ResourceRecords: values.map((Value) => ({ Value })) });
const list = async (id, params = {}) => (await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: id, ...params })));
const all = async (id) => (await list(id)).ResourceRecordSets;

test("ChangeResourceRecordSets returns a PENDING ChangeInfo echoing the comment, INSYNC later; changes are listed at once", async () => {
  const z = await zone();
  const r = await change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`www.${z.name}`, "A", ["192.0.2.1", "192.0.2.2"]) }], "first batch");
  assert.equal(r.ChangeInfo.Status, "PENDING");
  assert.equal(r.ChangeInfo.Comment, "first batch");
  const listed = (await all(z.id)).find((s) => s.Name === `www.${z.name}`);
  assert.deepEqual(listed.ResourceRecords.map((x) => x.Value), ["192.0.2.1", "192.0.2.2"]);
  await waitInsync(r53, r.ChangeInfo.Id);
});

test("CREATE of an existing set fails with AWS's message inside brackets", async () => {
  const z = await zone();
  const s = set(`www.${z.name}`, "A", ["192.0.2.1"]);
  await change(z.id, [{ Action: "CREATE", ResourceRecordSet: s }]);
  const e = await rejects(change(z.id, [{ Action: "CREATE", ResourceRecordSet: s }]));
  assert.equal(e.name, "InvalidChangeBatch");
  assert.equal(e.$metadata.httpStatusCode, 400);
  assert.equal(e.message, `[Tried to create resource record set [name='www.${z.name}', type='A'] but it already exists]`);
});

test("A batch with several problems reports all of them in one message and applies nothing", async () => {
  const z = await zone();
  const e = await rejects(change(z.id, [
    { Action: "CREATE", ResourceRecordSet: set(`ok.${z.name}`, "A", ["192.0.2.9"]) },
    { Action: "DELETE", ResourceRecordSet: set(`x.${z.name}`, "CNAME", ["target.example."]) },
    { Action: "CREATE", ResourceRecordSet: set("foo.other.com", "A", ["192.0.2.1"]) },
  ]));
  assert.equal(e.name, "InvalidChangeBatch");
  assert.equal(e.message,
    `[Tried to delete resource record set [name='x.${z.name}', type='CNAME'] but it was not found, ` +
    `RRSet with DNS name foo.other.com. is not permitted in zone ${z.name}]`);
  assert.equal((await all(z.id)).some((s) => s.Name === `ok.${z.name}`), false, "the valid change must not be applied");
});

test("DELETE must match the current TTL and values exactly (values in any order)", async () => {
  const z = await zone();
  await change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`x.${z.name}`, "A", ["192.0.2.1", "192.0.2.2"]) }]);
  const wrongTtl = await rejects(change(z.id, [{ Action: "DELETE", ResourceRecordSet: set(`x.${z.name}`, "A", ["192.0.2.1", "192.0.2.2"], 60) }]));
  assert.equal(wrongTtl.message, `[Tried to delete resource record set [name='x.${z.name}', type='A'] but the values provided do not match the current values]`);
  const wrongValues = await rejects(change(z.id, [{ Action: "DELETE", ResourceRecordSet: set(`x.${z.name}`, "A", ["192.0.2.1"]) }]));
  assert.equal(wrongValues.name, "InvalidChangeBatch");
  await change(z.id, [{ Action: "DELETE", ResourceRecordSet: set(`x.${z.name}`, "A", ["192.0.2.2", "192.0.2.1"]) }]);
  assert.equal((await all(z.id)).some((s) => s.Name === `x.${z.name}`), false);
});

test("DELETE then CREATE of the same set in one batch is legal (changes apply in order); a double DELETE is not", async () => {
  const z = await zone();
  const s = set(`y.${z.name}`, "TXT", ['"one"']);
  await change(z.id, [{ Action: "CREATE", ResourceRecordSet: s }]);
  await change(z.id, [{ Action: "DELETE", ResourceRecordSet: s }, { Action: "CREATE", ResourceRecordSet: set(`y.${z.name}`, "TXT", ['"two"']) }]);
  assert.deepEqual((await all(z.id)).find((x) => x.Name === `y.${z.name}`).ResourceRecords, [{ Value: '"two"' }]);
  const e = await rejects(change(z.id, [
    { Action: "DELETE", ResourceRecordSet: set(`y.${z.name}`, "TXT", ['"two"']) },
    { Action: "DELETE", ResourceRecordSet: set(`y.${z.name}`, "TXT", ['"two"']) },
  ]));
  assert.equal(e.message, `[Tried to delete resource record set [name='y.${z.name}', type='TXT'] but it was not found]`);
});

test("UPSERT creates or replaces", async () => {
  const z = await zone();
  await change(z.id, [{ Action: "UPSERT", ResourceRecordSet: set(`u.${z.name}`, "A", ["192.0.2.1"]) }]);
  await change(z.id, [{ Action: "UPSERT", ResourceRecordSet: set(`u.${z.name}`, "A", ["192.0.2.7"], 30) }]);
  const s = (await all(z.id)).find((x) => x.Name === `u.${z.name}`);
  assert.equal(s.TTL, 30);
  assert.deepEqual(s.ResourceRecords, [{ Value: "192.0.2.7" }]);
});

test("The apex SOA and NS cannot be deleted but can be UPSERTed", async () => {
  const z = await zone();
  const sets = await all(z.id);
  const ns = sets.find((s) => s.Type === "NS");
  const soa = sets.find((s) => s.Type === "SOA");
  const e1 = await rejects(change(z.id, [{ Action: "DELETE", ResourceRecordSet: soa }]));
  assert.equal(e1.message, "[A HostedZone must contain exactly one SOA record.]");
  const e2 = await rejects(change(z.id, [{ Action: "DELETE", ResourceRecordSet: ns }]));
  assert.equal(e2.message, "[A HostedZone must contain at least one NS record for the zone itself.]");
  await change(z.id, [{ Action: "UPSERT", ResourceRecordSet: { ...ns, TTL: 300 } }]);
  assert.equal((await all(z.id)).find((s) => s.Type === "NS").TTL, 300);
});

test("CNAME conflicts use AWS's texts (including the double space)", async () => {
  const z = await zone();
  await change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`www.${z.name}`, "CNAME", ["target.example.net"]) }]);
  const e1 = await rejects(change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`www.${z.name}`, "A", ["192.0.2.1"]) }]));
  assert.equal(e1.message, `[RRSet of type A with DNS name www.${z.name} is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone ${z.name}]`);
  await change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`mail.${z.name}`, "MX", ["10 mx.example.net."]) }]);
  const e2 = await rejects(change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`mail.${z.name}`, "CNAME", ["x.example.net"]) }]));
  assert.equal(e2.message, `[RRSet of type CNAME with DNS name mail.${z.name} is not permitted as it conflicts with other records with the same DNS name in zone ${z.name}]`);
  const apex = await rejects(change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(z.name, "CNAME", ["x.example.net"]) }]));
  assert.equal(apex.name, "InvalidChangeBatch");
});

test("TXT strings must be quoted and at most 255 characters", async () => {
  const z = await zone();
  const long = "a".repeat(256);
  const e1 = await rejects(change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`t.${z.name}`, "TXT", [`"${long}"`]) }]));
  assert.equal(e1.message, `[Invalid Resource Record: 'FATAL problem: CharacterStringTooLong (Value is too long) encountered with '"${long}"'']`);
  const e2 = await rejects(change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`t.${z.name}`, "TXT", ["unquoted"]) }]));
  assert.match(e2.message, /InvalidCharacterString \(Value should be enclosed in quotation marks\)/);
  await change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`t.${z.name}`, "TXT", [`"${"a".repeat(255)}" "${"b".repeat(255)}"`]) }]);
});

test("Values are checked per type (A, AAAA, MX, SRV, CAA, DS)", async () => {
  const z = await zone();
  for (const [type, bad] of [["A", "300.1.1.1"], ["AAAA", "192.0.2.1"], ["MX", "mx.example.com"], ["SRV", "1 2 mx"], ["CAA", "0 issue letsencrypt.org"], ["DS", "1 2 3 XYZ"]]) {
    const e = await rejects(change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`v.${z.name}`, type, [bad]) }]));
    assert.equal(e.name, "InvalidChangeBatch", type);
    assert.match(e.message, /^\[Invalid Resource Record: 'FATAL problem: /, type);
  }
  await change(z.id, ["A:192.0.2.1", "AAAA:2001:db8::1", "MX:10 mx.example.com.", "SRV:1 2 443 svc.example.com.", 'CAA:0 issue "letsencrypt.org"',
    "DS:12345 13 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE", "SSHFP:1 1 0123456789ABCDEF", "TLSA:3 1 1 0123456789abcdef",
    'NAPTR:100 10 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .', "SPF:\"v=spf1 -all\"", "PTR:host.example.com.",
    "HTTPS:1 . alpn=h2,h3"].map((tv) => {
    const [type, ...rest] = tv.split(":");
    return { Action: "CREATE", ResourceRecordSet: set(`${type.toLowerCase()}.${z.name}`, type, [rest.join(":")]) };
  }));
});

test("DELETE without TTL and ResourceRecords is InvalidInput, not InvalidChangeBatch", async () => {
  const z = await zone();
  const e = await rejects(change(z.id, [{ Action: "DELETE", ResourceRecordSet: { Name: `x.${z.name}`, Type: "A" } }]));
  assert.equal(e.name, "InvalidInput");
  assert.equal(e.message, `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId], but found none in Change with [Action=DELETE, Name=x.${z.name}, Type=A, SetIdentifier=null]`);
});

test("Names are stored lowercase and returned with octal escapes (* → \\052)", async () => {
  const z = await zone();
  await change(z.id, [
    { Action: "CREATE", ResourceRecordSet: set(`*.WildCard.${z.name}`, "A", ["192.0.2.1"]) },
    { Action: "CREATE", ResourceRecordSet: set(`under_score.${z.name.slice(0, -1)}`, "A", ["192.0.2.2"]) },
  ]);
  const names = (await all(z.id)).map((s) => s.Name);
  assert.ok(names.includes(`\\052.wildcard.${z.name}`), names.join(" "));
  assert.ok(names.includes(`under_score.${z.name}`));
  // The escaped and the raw form address the same set.
  await change(z.id, [{ Action: "DELETE", ResourceRecordSet: set(`\\052.wildcard.${z.name}`, "A", ["192.0.2.1"]) }]);
});

test("ListResourceRecordSets orders by reversed escaped labels then type, paginates, and emits Next* only when truncated", async () => {
  const z = await zone();
  const n = (l) => (l ? `${l}.${z.name}` : z.name);
  await change(z.id, [
    { Action: "CREATE", ResourceRecordSet: set(n("a"), "TXT", ['"t"']) },
    { Action: "CREATE", ResourceRecordSet: set(n("a"), "A", ["192.0.2.1"]) },
    { Action: "CREATE", ResourceRecordSet: set(n("a-b"), "A", ["192.0.2.2"]) },
    { Action: "CREATE", ResourceRecordSet: set(n("b.a"), "A", ["192.0.2.3"]) },
    { Action: "CREATE", ResourceRecordSet: set(n("z"), "A", ["192.0.2.4"]) },
  ]);
  const order = (await all(z.id)).map((s) => `${s.Name} ${s.Type}`);
  assert.deepEqual(order, [`${n()} NS`, `${n()} SOA`, `${n("a-b")} A`, `${n("a")} A`, `${n("a")} TXT`, `${n("b.a")} A`, `${n("z")} A`]);
  const page1 = await list(z.id, { MaxItems: 3 });
  assert.equal(page1.IsTruncated, true);
  assert.equal(page1.MaxItems, 3);
  assert.equal(page1.NextRecordName, n("a"));
  assert.equal(page1.NextRecordType, "A");
  const page2 = await list(z.id, { MaxItems: 3, StartRecordName: page1.NextRecordName, StartRecordType: page1.NextRecordType });
  assert.deepEqual(page2.ResourceRecordSets.map((s) => `${s.Name} ${s.Type}`), order.slice(3, 6));
  const page3 = await list(z.id, { MaxItems: 3, StartRecordName: page2.NextRecordName, StartRecordType: page2.NextRecordType });
  assert.equal(page3.IsTruncated, false);
  assert.equal(page3.NextRecordName, undefined);
  assert.equal(page3.NextRecordType, undefined);
  // name seeks to the first name >= the value: "aa" sorts after "b.a" (reversed "a.b" < "aa"), so z comes first
  const seek = await list(z.id, { StartRecordName: n("aa") });
  assert.equal(seek.ResourceRecordSets[0].Name, n("z"));
  const e = await rejects(list(z.id, { StartRecordType: "A" }));
  assert.equal(e.name, "InvalidInput");
});

test("ListResourceRecordSets returns at most 300 sets per page", async () => {
  const z = await zone();
  const changes = [];
  for (let i = 0; i < 320; i++) changes.push({ Action: "CREATE", ResourceRecordSet: set(`h${String(i).padStart(3, "0")}.${z.name}`, "A", ["192.0.2.1"]) });
  await change(z.id, changes);
  const p = await list(z.id, { MaxItems: 1000 });
  assert.equal(p.ResourceRecordSets.length, 300);
  assert.equal(p.IsTruncated, true);
  const d = await list(z.id);
  assert.equal(d.ResourceRecordSets.length, 300);
});

test("A batch over 1,000 records (UPSERT counts double) or 32,000 characters is refused", async () => {
  const z = await zone();
  const values = (k, prefix) => Array.from({ length: k }, (_, i) => `192.0.${prefix}.${i % 250}`).filter((v, i, a) => a.indexOf(v) === i);
  const upserts = [];
  for (let i = 0; i < 3; i++) upserts.push({ Action: "UPSERT", ResourceRecordSet: set(`u${i}.${z.name}`, "A", values(250, i)) });
  // 750 records, UPSERT counted twice = 1,500 > 1,000
  const e = await rejects(change(z.id, upserts));
  assert.equal(e.name, "InvalidChangeBatch");
  assert.equal(e.message, "[Number of records limit of 1000 exceeded.]");
  // the same batch as CREATE (750 records) is fine
  await change(z.id, upserts.map((u) => ({ ...u, Action: "CREATE" })));
  const big = Array.from({ length: 18 }, (_, i) => ({ Action: "CREATE", ResourceRecordSet: set(`big${i}.${z.name}`, "TXT", [`"${"x".repeat(250)}" "${"y".repeat(250)}" "${"z".repeat(250)}" "${"w".repeat(250)}"`, `"${"q".repeat(250)}" "${"r".repeat(250)}" "${"s".repeat(250)}" "${"t".repeat(250)}"`]) }));
  const e2 = await rejects(change(z.id, big));
  assert.equal(e2.message, "[Number of characters limit of 32000 exceeded.]");
});

test("A set holds at most 400 values", async () => {
  const z = await zone();
  const values = Array.from({ length: 401 }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.1`);
  const e = await rejects(change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`many.${z.name}`, "A", values) }]));
  assert.equal(e.name, "InvalidChangeBatch");
  assert.match(e.message, /at most 400 values/);
  await change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`many.${z.name}`, "A", values.slice(0, 400)) }]);
});

test("Alias and weighted sets round-trip; an alias to a missing target in the same zone is refused", async () => {
  const z = await zone();
  const zoneId = bareId(z.id);
  await change(z.id, [
    { Action: "CREATE", ResourceRecordSet: set(`target.${z.name}`, "A", ["192.0.2.10"]) },
    { Action: "CREATE", ResourceRecordSet: { Name: `alias.${z.name}`, Type: "A", AliasTarget: { HostedZoneId: z.id, DNSName: `target.${z.name}`, EvaluateTargetHealth: false } } },
    { Action: "CREATE", ResourceRecordSet: { ...set(`w.${z.name}`, "A", ["192.0.2.1"]), SetIdentifier: "one", Weight: 10 } },
    { Action: "CREATE", ResourceRecordSet: { ...set(`w.${z.name}`, "A", ["192.0.2.2"]), SetIdentifier: "two", Weight: 20 } },
  ]);
  const sets = await all(z.id);
  const alias = sets.find((s) => s.Name === `alias.${z.name}`);
  assert.deepEqual(alias.AliasTarget, { HostedZoneId: zoneId, DNSName: `target.${z.name}`, EvaluateTargetHealth: false });
  assert.equal(alias.TTL, undefined);
  assert.deepEqual(sets.filter((s) => s.Name === `w.${z.name}`).map((s) => [s.SetIdentifier, s.Weight]), [["one", 10], ["two", 20]]);
  const dup = await rejects(change(z.id, [{ Action: "CREATE", ResourceRecordSet: { ...set(`w.${z.name}`, "A", ["192.0.2.3"]), SetIdentifier: "two", Weight: 5 } }]));
  assert.equal(dup.message, `[Tried to create resource record set [name='w.${z.name}', type='A', set-identifier='two'] but it already exists]`);
  const missing = await rejects(change(z.id, [{ Action: "CREATE", ResourceRecordSet: { Name: `a2.${z.name}`, Type: "A", AliasTarget: { HostedZoneId: zoneId, DNSName: `nothere.${z.name}`, EvaluateTargetHealth: false } } }]));
  assert.equal(missing.name, "InvalidChangeBatch");
});

test("ChangeResourceRecordSets accepts the documented trailing slash and the form without it", async () => {
  const z = await zone();
  const body = (label) => `<?xml version="1.0" encoding="UTF-8"?>\n<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>${label}.${z.name}</Name><Type>A</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.44</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;
  const withSlash = await signedFetch("POST", `/2013-04-01/hostedzone/${bareId(z.id)}/rrset/`, { body: body("slash"), headers: { "content-type": "application/xml" } });
  assert.equal(withSlash.status, 200, withSlash.text);
  assert.match(withSlash.text, /<ChangeResourceRecordSetsResponse xmlns="https:\/\/route53\.amazonaws\.com\/doc\/2013-04-01\/"><ChangeInfo><Id>\/change\/C[A-Z0-9]+<\/Id><Status>PENDING<\/Status>/);
  const without = await signedFetch("POST", `/2013-04-01/hostedzone/${bareId(z.id)}/rrset`, { body: body("noslash") });
  assert.equal(without.status, 200, without.text);
  const names = (await all(z.id)).map((s) => s.Name);
  assert.ok(names.includes(`slash.${z.name}`) && names.includes(`noslash.${z.name}`));
});

test("PriorRequestNotComplete while a change to the zone is PENDING (when enabled)", async () => {
  await resetSettings({ insyncDelayMs: 2500, priorRequestNotComplete: true });
  try {
    const z = await zone();
    const first = await change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`p1.${z.name}`, "A", ["192.0.2.1"]) }]);
    const e = await rejects(change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`p2.${z.name}`, "A", ["192.0.2.1"]) }]));
    assert.equal(e.name, "PriorRequestNotComplete");
    assert.equal(e.$metadata.httpStatusCode, 400);
    await waitInsync(r53, first.ChangeInfo.Id, 10000);
    await change(z.id, [{ Action: "CREATE", ResourceRecordSet: set(`p2.${z.name}`, "A", ["192.0.2.1"]) }]);
  } finally {
    await resetSettings();
  }
});
