import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PACKS } from "../../policies/lib/packs";
import { type Plan, planFromRun } from "../../scripts/lib/plan-document";
import { main as policy } from "../../scripts/policy";
import { BROKEN_WORKLOADS, brokenWorkloads } from "../helpers/broken-workloads";
import { planOf } from "../helpers/policy";
import { planSchemaErrors } from "../helpers/plan-schema";
import { ROOT, captureOutput } from "../helpers/run";
import { stackRun } from "../helpers/stacks";

/**
 * `npm run policy -- --plan <plan.json> --stack <name> [--out <dir>] [--format sarif]`: both packs,
 * with a stack's policy config, against any plan.json of the contract.
 */
describe("npm run policy", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-policy-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, plan: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(plan));
    return file;
  };
  const run = (...args: string[]) => captureOutput(() => policy(args));

  /** The prod plan with the mistakes a pull request could make. */
  async function misconfiguredProd(): Promise<Plan> {
    const plan = structuredClone(planFromRun(await stackRun("prod")));
    const find = (type: string, name: string) => plan.resources.find((r) => r.type === type && r.name === name)!;
    const models = find("gcp:storage/bucket:Bucket", "storage-models");
    models.inputs = { ...models.inputs, publicAccessPrevention: "inherited" };
    find("gcp:sql/databaseInstance:DatabaseInstance", "registry-db").options.protect = false;
    plan.resources.push({
      ...find("gcp:storage/bucketIAMMember:BucketIAMMember", plan.resources.find((r) => r.type === "gcp:storage/bucketIAMMember:BucketIAMMember")!.name),
      urn: "urn:pulumi:prod::cnai-platform::gcp:storage/bucketIAMMember:BucketIAMMember::models-public",
      name: "models-public",
      inputs: { bucket: "acme-ml-prod-cnai-prod-models", role: "roles/storage.admin", member: "allUsers" },
    });
    return plan;
  }

  it("passes the shipped prod plan (exit 0) and writes it with its policy and estimate sections", async () => {
    const input = write("prod.json", planFromRun(await stackRun("prod")));
    const out = path.join(dir, "out-prod");
    const { result, stdout } = await run("--plan", input, "--stack", "prod", "--out", out);
    assert.strictEqual(result, 0, stdout);
    assert.match(stdout, /policy: stack prod: \d+ resources, \d+ resource checks by cnai-governance, cnai-sustainability: 0 violations \(0 mandatory\)/);
    const written = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    assert.deepStrictEqual(planSchemaErrors(written), []);
    assert.deepStrictEqual(written.policy, { packs: ["cnai-governance", "cnai-sustainability"], violations: [] });
    assert.strictEqual(written.estimate.gpus.max, 45);
  });

  it("exits 1 on a misconfigured plan, naming each mandatory violation", async () => {
    const input = write("bad-prod.json", await misconfiguredProd());
    const { result, stdout } = await run("--plan", input, "--stack", "prod");
    assert.strictEqual(result, 1, stdout);
    assert.match(stdout, /mandatory\s+bucket-security\s+storage-models\s+.*publicAccessPrevention/);
    assert.match(stdout, /mandatory\s+bucket-security\s+models-public\s+.*allUsers/);
    assert.match(stdout, /mandatory\s+iam-least-privilege\s+models-public\s+.*allUsers/);
    assert.match(stdout, /mandatory\s+stateful-protected\s+registry-db\s+/);
  });

  it("as a user runs it: exit status 1 from npm run policy on that plan", async () => {
    const input = write("bad-prod-cli.json", await misconfiguredProd());
    const result = spawnSync("npm", ["run", "-s", "policy", "--", "--plan", input, "--stack", "prod"], { cwd: ROOT, encoding: "utf8" });
    assert.strictEqual(result.status, 1, result.stderr);
    assert.match(result.stdout, /\(\d+ mandatory\)/);
  });

  it("exits 1 from npm run policy in prod on a plan whose workloads would not run, naming each workload, why and how to fix it", async () => {
    const plan = structuredClone(planFromRun(await stackRun("prod")));
    plan.resources.push(...brokenWorkloads("prod"));
    const out = path.join(dir, "out-broken-workloads");
    const result = spawnSync("npm", ["run", "-s", "policy", "--", "--plan", write("broken-workloads.json", plan), "--stack", "prod", "--out", out], { cwd: ROOT, encoding: "utf8" });
    assert.strictEqual(result.status, 1, result.stderr);
    for (const { name } of BROKEN_WORKLOADS) assert.match(result.stdout, new RegExp(`mandatory\\s+workloads-runnable\\s+${name}\\s`), name);
    const written = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as Plan;
    assert.deepStrictEqual(planSchemaErrors(written), []);
    for (const { name, expect } of BROKEN_WORKLOADS) {
      const messages = written.policy.violations.filter((v) => v.policy === "cnai-workloads-runnable" && v.urn?.endsWith(`::${name}`)).map((v) => v.message);
      assert.ok(messages.some((m) => expect.test(m) && /\. Fix: /.test(m)), `${name}: ${messages.join(" | ")}`);
      assert.notStrictEqual(written.workloads!.workloads.find((w) => w.urn.endsWith(`::${name}`))!.status, "runnable", name);
    }
    const others = written.policy.violations.filter((v) => v.policy === "cnai-workloads-runnable" && !BROKEN_WORKLOADS.some((b) => v.urn?.endsWith(`::${b.name}`)));
    assert.deepStrictEqual(others, [], "the shipped workloads still run");
  });

  it("checks a plan from another program, here at the dev stack's advisory levels (exit 0)", async () => {
    const foreign = planOf([{ type: "gcp:storage/bucket:Bucket", name: "scratch", inputs: { location: "EU", labels: { team: "x" } } }]);
    const out = path.join(dir, "out-foreign");
    const { result, stdout } = await run("--plan", write("foreign.json", foreign), "--stack", "dev", "--out", out);
    assert.strictEqual(result, 0);
    const written = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as Plan;
    assert.strictEqual(written.stack, "policytest", "the plan keeps its own stack name");
    const policies = new Set(written.policy.violations.map((v) => v.policy));
    for (const expected of ["cnai-required-labels", "cnai-bucket-security", "cnai-bucket-lifecycle", "cnai-data-classification"]) assert.ok(policies.has(expected), `${expected} in ${[...policies]}`);
    assert.ok(written.policy.violations.every((v) => v.enforcementLevel === "advisory"));
    assert.match(stdout, /advisory\s+required-labels\s+scratch/);
  });

  it("--format sarif: a rule per policy, a result per violation, mandatory as error, located at the stack file", async () => {
    const out = path.join(dir, "out-sarif");
    const { result } = await run("--plan", write("bad-prod-sarif.json", await misconfiguredProd()), "--stack", "prod", "--out", out, "--format", "sarif");
    assert.strictEqual(result, 1);
    const sarif = JSON.parse(fs.readFileSync(path.join(out, "policy.sarif"), "utf8"));
    const plan = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as Plan;
    assert.strictEqual(sarif.version, "2.1.0");
    const [runResult] = sarif.runs;
    assert.deepStrictEqual(runResult.tool.driver.rules.map((r: { id: string }) => r.id), PACKS.flatMap((p) => p.policies.map((x) => x.name)));
    assert.strictEqual(runResult.results.length, plan.policy.violations.length);
    for (const [i, r] of runResult.results.entries()) {
      const v = plan.policy.violations[i];
      assert.strictEqual(r.ruleId, v.policy);
      assert.strictEqual(runResult.tool.driver.rules[r.ruleIndex].id, v.policy);
      assert.strictEqual(r.level, v.enforcementLevel === "mandatory" ? "error" : "warning");
      assert.strictEqual(r.locations[0].physicalLocation.artifactLocation.uri, "stacks/Pulumi.prod.yaml");
      assert.strictEqual(r.locations[0].logicalLocations[0].fullyQualifiedName, v.urn ?? "stack prod");
    }
  });

  it("exits 2 with a clear message for a missing or invalid plan, an unknown stack's config, a bad format, and a bad policy config", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--plan", path.join(dir, "nope.json"), "--stack", "dev"], /--plan .*nope\.json: no such file/],
      [["--plan", write("not-a-plan.json", { resources: "x" }), "--stack", "dev"], /not a plan\.json of the contract \(scripts\/lib\/plan\.schema\.json\): .*must have required property 'project'/],
      [["--plan", write("ok.json", planOf([])), "--stack", "qa"], /policies\/config\/qa\.json: no policy config for stack policytest; create it/],
      [["--plan", write("ok2.json", planOf([])), "--stack", "dev", "--format", "html"], /--format: got "html"; allowed: json or sarif/],
      [["--stack", "dev"], /--plan is required/],
    ];
    for (const [args, expected] of cases) {
      const { result, stderr } = await run(...args);
      assert.strictEqual(result, 2, args.join(" "));
      assert.match(stderr, expected);
      assert.doesNotMatch(stderr, /^\s+at /m);
    }
    const root = fs.mkdtempSync(path.join(dir, "root-"));
    fs.mkdirSync(path.join(root, "policies", "config"), { recursive: true });
    fs.writeFileSync(path.join(root, "policies", "config", "dev.json"), JSON.stringify({ all: "advisory", "cnai-required-label": "mandatory", "cnai-gpu-and-carbon-caps": { maxGpus: -1 } }));
    const { result, stderr } = await run("--plan", write("ok3.json", planOf([])), "--stack", "dev", "--root", root);
    assert.strictEqual(result, 2);
    assert.match(stderr, /policies\/config\/dev\.json: cnai-required-label: unknown policy; allowed: all, cnai-required-labels/);
    assert.match(stderr, /policies\/config\/dev\.json: cnai-gpu-and-carbon-caps\.maxGpus: got -1; allowed: an integer >= 0/);
  });
});
