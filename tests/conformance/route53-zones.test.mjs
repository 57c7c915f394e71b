// Hosted-zone operations against the emulator, through the official AWS SDK for JavaScript v3.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import {
  CreateHostedZoneCommand, GetHostedZoneCommand, ListHostedZonesCommand, ListHostedZonesByNameCommand,
  DeleteHostedZoneCommand, ChangeResourceRecordSetsCommand, GetChangeCommand, GetDNSSECCommand,
  CreateQueryLoggingConfigCommand, GetQueryLoggingConfigCommand, ListQueryLoggingConfigsCommand, DeleteQueryLoggingConfigCommand,
  ListResourceRecordSetsCommand, UpdateHostedZoneCommentCommand, GetHostedZoneCountCommand,
} from "@aws-sdk/client-route-53";
import { CreateLogGroupCommand, PutResourcePolicyCommand } from "@aws-sdk/client-cloudwatch-logs";
import { route53, logs, route53LogsPolicy, resetSettings, unique, rejects, bareId, waitInsync, signedFetch } from "./helpers.mjs";

const r53 = route53();
before(() => resetSettings());

const create = (name, ref = unique("ref")) => r53.send(new CreateHostedZoneCommand({ Name: name, CallerReference: ref }));

test("CreateHostedZone answers 201 with Location, a realistic ID, PENDING change and four name servers", async () => {
  const name = `${unique("z")}.Example.COM`;
  const r = await create(name);
  assert.equal(r.$metadata.httpStatusCode, 201);
  assert.match(r.HostedZone.Id, /^\/hostedzone\/Z[A-Z0-9]{13,21}$/);
  assert.equal(r.Location, `https://route53.amazonaws.com/2013-04-01/hostedzone/${bareId(r.HostedZone.Id)}`);
  assert.equal(r.HostedZone.Name, name.toLowerCase() + ".");
  assert.equal(r.HostedZone.ResourceRecordSetCount, 2);
  assert.equal(r.HostedZone.Config.PrivateZone, false);
  assert.match(r.ChangeInfo.Id, /^\/change\/C[A-Z0-9]+$/);
  assert.equal(r.ChangeInfo.Status, "PENDING");
  assert.ok(r.ChangeInfo.SubmittedAt instanceof Date);
  assert.equal(r.DelegationSet.NameServers.length, 4);
  for (const ns of r.DelegationSet.NameServers) assert.match(ns, /^ns-\d{1,4}\.awsdns-\d{2}\.(com|net|org|co\.uk)$/);
});

test("CreateHostedZone with a used CallerReference fails with HostedZoneAlreadyExists 409, even after the zone is deleted", async () => {
  const ref = unique("ref");
  const first = await create(`${unique("z")}.com`, ref);
  const again = await rejects(create(`${unique("z")}.com`, ref));
  assert.equal(again.name, "HostedZoneAlreadyExists");
  assert.equal(again.$metadata.httpStatusCode, 409);
  assert.equal(again.message, "A hosted zone has already been created with the specified caller reference.");
  await r53.send(new DeleteHostedZoneCommand({ Id: first.HostedZone.Id }));
  const afterDelete = await rejects(create(`${unique("z")}.com`, ref));
  assert.equal(afterDelete.name, "HostedZoneAlreadyExists");
});

test("The same name can be created twice with a new CallerReference and gets different name servers", async () => {
  const name = `${unique("dup")}.com`;
  const a = await create(name);
  const b = await create(name);
  assert.notEqual(a.HostedZone.Id, b.HostedZone.Id);
  assert.notDeepEqual(a.DelegationSet.NameServers, b.DelegationSet.NameServers);
});

test("CreateHostedZone refuses a top-level domain with InvalidDomainName", async () => {
  const e = await rejects(create("com"));
  assert.equal(e.name, "InvalidDomainName");
  assert.equal(e.$metadata.httpStatusCode, 400);
});

test("GetHostedZone returns the zone and its delegation set; an unknown ID is NoSuchHostedZone 404", async () => {
  const c = await create(`${unique("z")}.com`);
  const g = await r53.send(new GetHostedZoneCommand({ Id: c.HostedZone.Id }));
  assert.equal(g.HostedZone.Id, c.HostedZone.Id);
  assert.deepEqual(g.DelegationSet.NameServers, c.DelegationSet.NameServers);
  const e = await rejects(r53.send(new GetHostedZoneCommand({ Id: "Z0000000000000000NONE" })));
  assert.equal(e.name, "NoSuchHostedZone");
  assert.equal(e.$metadata.httpStatusCode, 404);
  assert.equal(e.message, "No hosted zone found with ID: Z0000000000000000NONE");
});

test("A new zone has apex SOA (TTL 900) and NS (TTL 172800) matching the delegation set", async () => {
  const c = await create(`${unique("z")}.com`);
  const l = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: c.HostedZone.Id }));
  assert.deepEqual(l.ResourceRecordSets.map((s) => s.Type), ["NS", "SOA"]);
  const [ns, soa] = l.ResourceRecordSets;
  assert.equal(ns.TTL, 172800);
  assert.deepEqual(ns.ResourceRecords.map((r) => r.Value), c.DelegationSet.NameServers.map((n) => n + "."));
  assert.equal(soa.TTL, 900);
  assert.match(soa.ResourceRecords[0].Value, /^ns-\d+\.awsdns-\d{2}\.com\. awsdns-hostmaster\.amazon\.com\. 1 7200 900 1209600 86400$/);
});

test("ListHostedZones paginates with Marker/NextMarker", async () => {
  for (let i = 0; i < 3; i++) await create(`${unique("page")}.com`);
  const seen = new Set();
  let marker;
  let pages = 0;
  do {
    const r = await r53.send(new ListHostedZonesCommand({ MaxItems: 2, Marker: marker }));
    assert.ok(r.HostedZones.length <= 2);
    assert.equal(r.MaxItems, 2);
    if (r.IsTruncated) assert.ok(r.NextMarker); else assert.equal(r.NextMarker, undefined);
    for (const z of r.HostedZones) { assert.ok(!seen.has(z.Id), "zone listed twice"); seen.add(z.Id); }
    marker = r.NextMarker;
    pages++;
  } while (marker);
  assert.ok(pages >= 2);
  assert.ok(seen.size >= 3);
});

test("ListHostedZonesByName seeks (not filters), orders by reversed labels and paginates with NextDNSName/NextHostedZoneId", async () => {
  const tld = unique("seek");
  const names = [`b.${tld}.net`, `a.${tld}.net`, `a-b.${tld}.net`, `${tld}.net`];
  for (const n of names) await create(n);
  await create(`a.${tld}.net`); // duplicate name: both must be listed
  const r = await r53.send(new ListHostedZonesByNameCommand({ DNSName: `${tld}.net` }));
  assert.equal(r.DNSName, `${tld}.net.`);
  const ours = r.HostedZones.map((z) => z.Name).filter((n) => n.includes(tld));
  // reversed-label order: net.tld. < net.tld.a. < net.tld.a-b. is false because '-' (0x2d) < '.' (0x2e): a-b sorts before a.
  assert.deepEqual(ours, [`${tld}.net.`, `a-b.${tld}.net.`, `a.${tld}.net.`, `a.${tld}.net.`, `b.${tld}.net.`]);
  // The seek starts at the first name >= the given one, even when that name does not exist.
  const seek = await r53.send(new ListHostedZonesByNameCommand({ DNSName: `aa.${tld}.net` }));
  assert.equal(seek.HostedZones[0].Name, `b.${tld}.net.`);
  // Paginate one by one through our five zones.
  const collected = [];
  let dns = `${tld}.net`, id;
  while (collected.length < 5) {
    const p = await r53.send(new ListHostedZonesByNameCommand({ DNSName: dns, HostedZoneId: id, MaxItems: 1 }));
    collected.push(p.HostedZones[0].Name);
    dns = p.NextDNSName; id = p.NextHostedZoneId;
    if (collected.length < 5) assert.ok(p.IsTruncated && dns && id, "every page but the last of ours points to the next");
  }
  assert.deepEqual(collected, ours);
  const e = await rejects(r53.send(new ListHostedZonesByNameCommand({ HostedZoneId: "Z123" })));
  assert.equal(e.name, "InvalidInput");
});

test("ListHostedZonesByName without more pages omits NextDNSName and NextHostedZoneId", async () => {
  const r = await r53.send(new ListHostedZonesByNameCommand({ DNSName: "zzzzzzzz.zzzz" }));
  assert.equal(r.IsTruncated, false);
  assert.equal(r.NextDNSName, undefined);
  assert.equal(r.NextHostedZoneId, undefined);
});

test("DeleteHostedZone refuses a zone with records (HostedZoneNotEmpty) and deletes it once only SOA/NS remain", async () => {
  const c = await create(`${unique("del")}.com`);
  const name = c.HostedZone.Name;
  const set = { Name: `www.${name}`, Type: "A", TTL: 60, ResourceRecords: [{ Value: "192.0.2.1" }] };
  await r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: c.HostedZone.Id, ChangeBatch: { Changes: [{ Action: "CREATE", ResourceRecordSet: set }] } }));
  const e = await rejects(r53.send(new DeleteHostedZoneCommand({ Id: c.HostedZone.Id })));
  assert.equal(e.name, "HostedZoneNotEmpty");
  assert.equal(e.message, "The hosted zone contains resource records that are not SOA or NS records.");
  await r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: c.HostedZone.Id, ChangeBatch: { Changes: [{ Action: "DELETE", ResourceRecordSet: set }] } }));
  const d = await r53.send(new DeleteHostedZoneCommand({ Id: c.HostedZone.Id }));
  assert.equal(d.ChangeInfo.Status, "PENDING");
  await waitInsync(r53, d.ChangeInfo.Id);
  const gone = await rejects(r53.send(new GetHostedZoneCommand({ Id: c.HostedZone.Id })));
  assert.equal(gone.name, "NoSuchHostedZone");
});

test("GetChange goes from PENDING to INSYNC; an unknown change is NoSuchChange 404", async () => {
  await resetSettings({ insyncDelayMs: 2500 }); // wide window: the first GetChange must land while PENDING even on a loaded machine
  try {
    const c = await create(`${unique("chg")}.com`);
    const first = await r53.send(new GetChangeCommand({ Id: c.ChangeInfo.Id }));
    assert.equal(first.ChangeInfo.Status, "PENDING");
    const done = await waitInsync(r53, c.ChangeInfo.Id, 10000);
    assert.equal(done.ChangeInfo.Id, c.ChangeInfo.Id);
    const e = await rejects(r53.send(new GetChangeCommand({ Id: "C0NOSUCHCHANGE00000000" })));
    assert.equal(e.name, "NoSuchChange");
    assert.equal(e.$metadata.httpStatusCode, 404);
  } finally {
    await resetSettings();
  }
});

test("GetDNSSEC reports NOT_SIGNING with no keys", async () => {
  const c = await create(`${unique("sec")}.com`);
  const r = await r53.send(new GetDNSSECCommand({ HostedZoneId: c.HostedZone.Id }));
  assert.equal(r.Status.ServeSignature, "NOT_SIGNING");
  assert.deepEqual(r.KeySigningKeys ?? [], []);
});

test("Query logging configs: create (201 + Location), get, list, one per zone, delete", async () => {
  const c = await create(`${unique("qlog")}.com`);
  const arn = `arn:aws:logs:us-east-1:111122223333:log-group:/aws/route53/${c.HostedZone.Name}`;
  // as at AWS, the group must exist and its resource policy let Route 53 write (logs.test.mjs covers the refusals)
  await logs().send(new CreateLogGroupCommand({ logGroupName: `/aws/route53/${c.HostedZone.Name}` }));
  await logs().send(new PutResourcePolicyCommand({ policyName: "route53-query-logging", policyDocument: route53LogsPolicy() }));
  const q = await r53.send(new CreateQueryLoggingConfigCommand({ HostedZoneId: c.HostedZone.Id, CloudWatchLogsLogGroupArn: arn }));
  assert.equal(q.$metadata.httpStatusCode, 201);
  assert.equal(q.Location, `https://route53.amazonaws.com/2013-04-01/queryloggingconfig/${q.QueryLoggingConfig.Id}`);
  assert.equal(q.QueryLoggingConfig.HostedZoneId, bareId(c.HostedZone.Id));
  const g = await r53.send(new GetQueryLoggingConfigCommand({ Id: q.QueryLoggingConfig.Id }));
  assert.equal(g.QueryLoggingConfig.CloudWatchLogsLogGroupArn, arn);
  const l = await r53.send(new ListQueryLoggingConfigsCommand({ HostedZoneId: c.HostedZone.Id }));
  assert.deepEqual(l.QueryLoggingConfigs.map((x) => x.Id), [q.QueryLoggingConfig.Id]);
  const dup = await rejects(r53.send(new CreateQueryLoggingConfigCommand({ HostedZoneId: c.HostedZone.Id, CloudWatchLogsLogGroupArn: arn })));
  assert.equal(dup.name, "QueryLoggingConfigAlreadyExists");
  assert.equal(dup.$metadata.httpStatusCode, 409);
  const wrongRegion = await rejects(r53.send(new CreateQueryLoggingConfigCommand({
    HostedZoneId: c.HostedZone.Id, CloudWatchLogsLogGroupArn: arn.replace("us-east-1", "eu-west-1") })));
  assert.equal(wrongRegion.$metadata.httpStatusCode, 400);
  await r53.send(new DeleteQueryLoggingConfigCommand({ Id: q.QueryLoggingConfig.Id }));
  const gone = await rejects(r53.send(new GetQueryLoggingConfigCommand({ Id: q.QueryLoggingConfig.Id })));
  assert.equal(gone.name, "NoSuchQueryLoggingConfig");
  assert.equal(gone.$metadata.httpStatusCode, 404);
});

test("Error bodies are ErrorResponse XML with Type, Code, Message and RequestId, and a request-id header", async () => {
  const r = await signedFetch("GET", "/2013-04-01/hostedzone/ZNOSUCHZONE12345");
  assert.equal(r.status, 404);
  assert.match(r.text, /<ErrorResponse xmlns="https:\/\/route53\.amazonaws\.com\/doc\/2013-04-01\/"><Error><Type>Sender<\/Type><Code>NoSuchHostedZone<\/Code><Message>No hosted zone found with ID: ZNOSUCHZONE12345<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>/);
  assert.match(r.headers.get("x-amzn-requestid"), /^[0-9a-f-]{36}$/);
});

test("UpdateHostedZoneComment and GetHostedZoneCount", async () => {
  const before = (await r53.send(new GetHostedZoneCountCommand({}))).HostedZoneCount;
  const c = await create(`${unique("cmt")}.com`);
  assert.equal((await r53.send(new GetHostedZoneCountCommand({}))).HostedZoneCount, before + 1);
  const u = await r53.send(new UpdateHostedZoneCommentCommand({ Id: c.HostedZone.Id, Comment: "rehearsal zone" }));
  assert.equal(u.HostedZone.Config.Comment, "rehearsal zone");
  assert.equal((await r53.send(new GetHostedZoneCommand({ Id: c.HostedZone.Id }))).HostedZone.Config.Comment, "rehearsal zone");
});

test("CreateHostedZone with an unknown reusable delegation set is NoSuchDelegationSet", async () => {
  const e = await rejects(r53.send(new CreateHostedZoneCommand({ Name: `${unique("ds")}.com`, CallerReference: unique("ref"), DelegationSetId: "N0000NOSUCHSET" })));
  assert.equal(e.name, "NoSuchDelegationSet");
});
