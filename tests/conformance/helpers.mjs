// Shared set-up for the conformance suite: clients of the official AWS SDK v3 pointed at the emulator.
// Env: EMULATOR_ENDPOINT (http://127.0.2.x:PORT), EMULATOR_ACCESS_KEY, EMULATOR_SECRET_KEY, EMULATOR_CONTROL_TOKEN.
import assert from "node:assert/strict";
import { createHash, createHmac, randomUUID } from "node:crypto";
import { Route53Client } from "@aws-sdk/client-route-53";
import { Route53DomainsClient } from "@aws-sdk/client-route-53-domains";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { SignatureV4 } from "@smithy/signature-v4";

export const endpoint = process.env.EMULATOR_ENDPOINT ?? assert.fail("EMULATOR_ENDPOINT is not set");
export const accessKeyId = process.env.EMULATOR_ACCESS_KEY ?? "sandbox";
export const secretAccessKey = process.env.EMULATOR_SECRET_KEY ?? "sandbox";
export const controlToken = process.env.EMULATOR_CONTROL_TOKEN ?? assert.fail("EMULATOR_CONTROL_TOKEN is not set");

export function route53(overrides = {}) {
  return new Route53Client({
    endpoint, region: "us-east-1", maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey }, ...overrides,
  });
}

export function domains(overrides = {}) {
  return new Route53DomainsClient({
    endpoint, region: "us-east-1", maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey }, ...overrides,
  });
}

export function logs(overrides = {}) {
  return new CloudWatchLogsClient({
    endpoint, region: "us-east-1", maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey }, ...overrides,
  });
}

/** The account resource policy Route 53 query logging needs (as AWS documents it), scoped to this account's zones. */
export const route53LogsPolicy = (account = "111122223333") => JSON.stringify({
  Version: "2012-10-17",
  Statement: [{
    Effect: "Allow", Principal: { Service: "route53.amazonaws.com" }, Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `arn:aws:logs:us-east-1:${account}:log-group:/aws/route53/*`,
    Condition: { StringEquals: { "aws:SourceAccount": account }, ArnLike: { "aws:SourceArn": "arn:aws:route53:::hostedzone/*" } },
  }],
});

export async function control(method, path, body) {
  const res = await fetch(new URL(`/_emulator/${path}`, endpoint), {
    method, headers: { "content-type": "application/json", "x-emulator-token": controlToken }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `control ${method} ${path} answered ${res.status}`);
  return res.status === 204 ? null : res.json();
}

/** Fast propagation, no throttling, no prior-request check: each test turns on what it exercises. */
export async function resetSettings(extra = {}) {
  await control("DELETE", "faults");
  return control("POST", "settings", {
    insyncDelayMs: 150, priorRequestNotComplete: false, rateLimitBurst: 1000, rateLimitPerSecond: 0, domainOperationDelayMs: 150, ...extra,
  });
}

export const unique = (prefix = "t") => `${prefix}${randomUUID().replaceAll("-", "").slice(0, 10)}`;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const bareId = (id) => id.replace(/^\/(hostedzone|change)\//, "");

/** Runs fn, expects it to throw; returns the SDK error. */
export async function rejects(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected the call to fail");
}

class NodeSha256 {
  constructor(secret) { this.h = secret ? createHmac("sha256", secret) : createHash("sha256"); }
  update(data) { this.h.update(data); }
  async digest() { return new Uint8Array(this.h.digest()); }
}

/** A raw signed request (for wire details the SDK hides: trailing slash, status codes, headers). */
export async function signedFetch(method, path, { body = "", query = {}, headers = {}, service = "route53", secret = secretAccessKey } = {}) {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ service, region: "us-east-1", credentials: { accessKeyId, secretAccessKey: secret }, sha256: NodeSha256 });
  const request = {
    method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path, query,
    headers: { host: url.host, ...headers }, body,
  };
  const signed = await signer.sign(request);
  const qs = new URLSearchParams(query).toString().replaceAll("+", "%20");
  const res = await fetch(`${url.origin}${path}${qs ? "?" + qs : ""}`, { method, headers: signed.headers, body: body || undefined });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export async function waitInsync(client, changeId, timeoutMs = 5000) {
  const { GetChangeCommand } = await import("@aws-sdk/client-route-53");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await client.send(new GetChangeCommand({ Id: changeId }));
    if (r.ChangeInfo.Status === "INSYNC") return r;
    assert.ok(Date.now() < deadline, `change ${changeId} still ${r.ChangeInfo.Status} after ${timeoutMs} ms`);
    await sleep(50);
  }
}
