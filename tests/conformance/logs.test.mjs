// CloudWatch Logs (the subset Route 53 query logging needs) and the query logging config's checks, through the
// official AWS SDK for JavaScript v3. Route 53 public query logs go to a log group in us-east-1, never straight to S3.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import {
  CreateLogGroupCommand, DeleteLogGroupCommand, PutRetentionPolicyCommand, DescribeLogGroupsCommand,
  PutResourcePolicyCommand, DescribeResourcePoliciesCommand, DeleteResourcePolicyCommand, FilterLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateHostedZoneCommand, CreateQueryLoggingConfigCommand } from "@aws-sdk/client-route-53";
import { route53, logs, route53LogsPolicy, resetSettings, unique, rejects } from "./helpers.mjs";

const cwl = logs();
const r53 = route53();
before(async () => {
  await resetSettings();
  // start from no account policies: other files may have written one
  for (const p of (await cwl.send(new DescribeResourcePoliciesCommand({}))).resourcePolicies ?? [])
    await cwl.send(new DeleteResourcePolicyCommand({ policyName: p.policyName }));
});

test("CreateLogGroup, PutRetentionPolicy and DescribeLogGroups round-trip; a second create is ResourceAlreadyExistsException", async () => {
  const name = `/aws/route53/${unique("g")}.example.com`;
  await cwl.send(new CreateLogGroupCommand({ logGroupName: name }));
  await cwl.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: 365 }));
  const d = await cwl.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  assert.equal(d.logGroups.length, 1);
  const g = d.logGroups[0];
  assert.equal(g.logGroupName, name);
  assert.equal(g.retentionInDays, 365);
  assert.equal(g.arn, `arn:aws:logs:us-east-1:111122223333:log-group:${name}:*`);
  assert.equal(g.logGroupArn, `arn:aws:logs:us-east-1:111122223333:log-group:${name}`);
  assert.equal(typeof g.creationTime, "number");
  const dup = await rejects(cwl.send(new CreateLogGroupCommand({ logGroupName: name })));
  assert.equal(dup.name, "ResourceAlreadyExistsException");
  assert.equal(dup.$metadata.httpStatusCode, 400);
  await cwl.send(new DeleteLogGroupCommand({ logGroupName: name }));
  const gone = await rejects(cwl.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: 30 })));
  assert.equal(gone.name, "ResourceNotFoundException");
});

test("PutRetentionPolicy accepts only CloudWatch's retention values", async () => {
  const name = `/aws/route53/${unique("r")}.example.com`;
  await cwl.send(new CreateLogGroupCommand({ logGroupName: name }));
  const bad = await rejects(cwl.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: 364 })));
  assert.equal(bad.name, "InvalidParameterException");
  for (const days of [1, 30, 365, 3653]) await cwl.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: days }));
});

test("PutResourcePolicy and DescribeResourcePolicies round-trip the document", async () => {
  const doc = route53LogsPolicy();
  const put = await cwl.send(new PutResourcePolicyCommand({ policyName: "route53-query-logging", policyDocument: doc }));
  assert.equal(put.resourcePolicy.policyName, "route53-query-logging");
  const d = await cwl.send(new DescribeResourcePoliciesCommand({}));
  assert.deepEqual(d.resourcePolicies.map((p) => [p.policyName, p.policyDocument]), [["route53-query-logging", doc]]);
});

test("CreateQueryLoggingConfig needs the group and a resource policy that lets route53.amazonaws.com write for this account", async () => {
  const zone = await r53.send(new CreateHostedZoneCommand({ Name: `${unique("q")}.example.com`, CallerReference: unique("ref") }));
  const group = `/aws/route53/${zone.HostedZone.Name.replace(/\.$/, "")}`;
  const arn = `arn:aws:logs:us-east-1:111122223333:log-group:${group}`;
  const config = () => r53.send(new CreateQueryLoggingConfigCommand({ HostedZoneId: zone.HostedZone.Id, CloudWatchLogsLogGroupArn: arn }));

  const noGroup = await rejects(config());
  assert.equal(noGroup.name, "NoSuchCloudWatchLogsLogGroup");
  assert.equal(noGroup.$metadata.httpStatusCode, 404);

  await cwl.send(new CreateLogGroupCommand({ logGroupName: group }));
  await cwl.send(new DeleteResourcePolicyCommand({ policyName: "route53-query-logging" })).catch(() => {});
  // a policy for another account's zones does not count
  await cwl.send(new PutResourcePolicyCommand({ policyName: "other-account", policyDocument: route53LogsPolicy("999988887777").replaceAll("999988887777:log-group", "111122223333:log-group") }));
  const noPolicy = await rejects(config());
  assert.equal(noPolicy.name, "InsufficientCloudWatchLogsResourcePolicy");
  assert.equal(noPolicy.$metadata.httpStatusCode, 400);

  await cwl.send(new PutResourcePolicyCommand({ policyName: "route53-query-logging", policyDocument: route53LogsPolicy() }));
  const ok = await config();
  assert.equal(ok.$metadata.httpStatusCode, 201);
  assert.equal(ok.QueryLoggingConfig.CloudWatchLogsLogGroupArn, arn);

  const events = await cwl.send(new FilterLogEventsCommand({ logGroupName: group }));
  assert.deepEqual(events.events, []);
  await cwl.send(new DeleteResourcePolicyCommand({ policyName: "other-account" }));
});
