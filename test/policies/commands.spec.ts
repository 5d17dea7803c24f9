import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PACKS } from "../../policies/lib/packs";
import { type Plan, planFromRun } from "../../scripts/lib/plan-document";
import { main as policy } from "../../scripts/policy";
import { misconfiguredProd } from "../helpers/broken-plans";
import { BROKEN_WORKLOADS, brokenWorkloads } from "../helpers/broken-workloads";
import { planSchemaErrors } from "../helpers/plan-schema";
import { planOf } from "../helpers/policy";
import { captureOutput, ROOT } from "../helpers/run";
import { stackRun } from "../helpers/stacks";
import { pullRequestSarif } from "../helpers/workflows";

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

  it("passes the shipped prod plan (exit 0) and writes it with its policy and estimate sections", async () => {
    const input = write("prod.json", planFromRun(await stackRun("prod")));
    const out = path.join(dir, "out-prod");
    const { result, stdout } = await run("--plan", input, "--stack", "prod", "--out", out);
    assert.strictEqual(result, 0, stdout);
    assert.match(
      stdout,
      /policy: stack prod: \d+ resources, \d+ resource checks by cnai-governance, cnai-sustainability: 0 policy violations \(0 mandatory\)/,
    );
    const written = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    assert.deepStrictEqual(planSchemaErrors(written), []);
    assert.deepStrictEqual(written.policy, { packs: ["cnai-governance", "cnai-sustainability"], violations: [] });
    assert.strictEqual(written.estimate.gpus.max, 45);
  });

  it("exits 1 on a misconfigured plan, naming each mandatory violation", async () => {
    const input = write("bad-prod.json", await misconfiguredProd());
    const { result, stdout } = await run("--plan", input, "--stack", "prod");
    assert.strictEqual(result, 1, stdout);
    assert.match(stdout, /mandatory\s+bucket-security\s+Bucket storage-models\s+.*publicAccessPrevention/);
    assert.match(stdout, /mandatory\s+bucket-security\s+BucketIAMMember models-public\s+.*allUsers/);
    assert.match(stdout, /mandatory\s+iam-least-privilege\s+BucketIAMMember models-public\s+.*allUsers/);
    assert.match(stdout, /mandatory\s+stateful-protected\s+DatabaseInstance registry-db\s+/);
    assert.match(
      stdout,
      /policy: stack prod: \d+ resources, \d+ resource checks by .*: 4 policy violations \(4 mandatory\)/,
    );
  });

  it("as a user runs it: npm run policy exits 1 on that plan, and --format sarif writes policy.sarif", async () => {
    const input = write("bad-prod-cli.json", await misconfiguredProd());
    const out = path.join(dir, "out-cli");
    const result = spawnSync(
      "npm",
      ["run", "-s", "policy", "--", "--plan", input, "--stack", "prod", "--out", out, "--format", "sarif"],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.strictEqual(result.status, 1, result.stderr);
    assert.match(result.stdout, /: 4 policy violations \(4 mandatory\)/);
    assert.match(result.stdout, /policy: wrote .*\{plan\.json,report\.md,policy\.sarif\}/);
    const sarif = JSON.parse(fs.readFileSync(path.join(out, "policy.sarif"), "utf8"));
    assert.strictEqual(sarif.runs[0].results.filter((r: { level: string }) => r.level === "error").length, 4);
  });

  it("as a user runs it: npm run plan exits 1 on a stack with a mandatory violation, and --format sarif writes policy.sarif", async () => {
    // The prod stack, with a policy config that keeps inference scale-to-zero on: prod's
    // Standard-mode InferenceService keeps warm replicas, a mandatory violation.
    const root = fs.mkdtempSync(path.join(dir, "strict-prod-"));
    fs.writeFileSync(
      path.join(root, "Pulumi.yaml"),
      `name: cnai-platform\nruntime: nodejs\nmain: ${path.join(ROOT, "stacks", "index.ts")}\nstackConfigDir: ${path.join(ROOT, "stacks")}\n`,
    );
    fs.cpSync(path.join(ROOT, "policies", "config", "prod"), path.join(root, "policies", "config", "prod"), {
      recursive: true,
    });
    const sustainability = path.join(root, "policies", "config", "prod", "sustainability.json");
    const config = JSON.parse(fs.readFileSync(sustainability, "utf8"));
    delete config["cnai-inference-scale-to-zero"];
    fs.writeFileSync(sustainability, JSON.stringify(config));
    const out = path.join(root, "out");
    const result = spawnSync(
      "npm",
      ["run", "-s", "plan", "--", "--stack", "prod", "--root", root, "--out", out, "--format", "sarif"],
      { cwd: ROOT, encoding: "utf8" },
    );
    // The pull-request workflow gates on this status (.github/workflows/pull-request.yml, "Fail on a mandatory violation").
    assert.strictEqual(result.status, 1, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /mandatory\s+inference-scale-to-zero\s+InferenceService chat-7b\s+/);
    assert.match(result.stdout, /1 policy violation \(1 mandatory\)/);
    // The file the workflows upload (their guard skips a missing one silently) is the one the plan wrote.
    const uploaded = path.posix.basename(pullRequestSarif().artifactPaths[0]);
    assert.ok(fs.readdirSync(out).includes(uploaded), `${uploaded} in ${fs.readdirSync(out).join(", ")}`);
    const sarif = JSON.parse(fs.readFileSync(path.join(out, uploaded), "utf8"));
    assert.deepStrictEqual(
      sarif.runs[0].results.map((r: { ruleId: string; level: string }) => [r.ruleId, r.level]),
      [["cnai-inference-scale-to-zero", "error"]],
    );
  });

  it("accepts a plan without a policy section (what it computes), and counts one violation in the singular", async () => {
    const { policy: _ignored, ...bare } = planOf([
      { type: "gcp:kms/keyRing:KeyRing", name: "ring", inputs: { name: "ring", location: "us-central1" } },
    ]);
    void _ignored;
    const { result, stdout, stderr } = await run("--plan", write("no-policy.json", bare), "--stack", "prod");
    assert.strictEqual(result, 1, stderr);
    assert.match(stdout, /mandatory\s+stateful-protected\s+KeyRing ring\s+protect is not set/);
    assert.match(stdout, /: 1 policy violation \(1 mandatory\)\n/);
  });

  it("cuts long messages to fit and points to report.md; --verbose prints them whole", async () => {
    const input = write("long.json", await misconfiguredProd());
    const out = path.join(dir, "out-long");
    const cut = await run("--plan", input, "--stack", "prod", "--out", out);
    assert.match(cut.stdout, /\.\.\.\n/);
    assert.match(
      cut.stdout,
      new RegExp(
        `policy: messages cut to fit; whole messages in ${path.relative(process.cwd(), path.join(out, "report.md")).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}, or with --verbose`,
      ),
    );
    const report = fs.readFileSync(path.join(out, "report.md"), "utf8");
    const whole = await run("--plan", input, "--stack", "prod", "--verbose");
    assert.doesNotMatch(whole.stdout, /messages cut to fit/);
    const plan = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as Plan;
    for (const v of plan.policy.violations) {
      const cause = v.message.slice(v.description!.length + 1);
      assert.ok(whole.stdout.includes(cause.replace(/\s+/g, " ")), `whole in the table: ${cause}`);
      assert.ok(
        whole.stdout.includes(`\n${v.policy}: ${v.description}\n`),
        `the description CrossGuard's message starts with: ${v.policy}`,
      );
      assert.ok(report.includes(cause.replace(/\|/g, "\\|")), `whole in report.md: ${cause}`);
    }
  });

  it("exits 1 from npm run policy in prod on a plan whose workloads would not run, naming each workload, why and how to fix it", async () => {
    const plan = structuredClone(planFromRun(await stackRun("prod")));
    plan.resources.push(...brokenWorkloads("prod"));
    const out = path.join(dir, "out-broken-workloads");
    const result = spawnSync(
      "npm",
      ["run", "-s", "policy", "--", "--plan", write("broken-workloads.json", plan), "--stack", "prod", "--out", out],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.strictEqual(result.status, 1, result.stderr);
    for (const { name } of BROKEN_WORKLOADS)
      assert.match(result.stdout, new RegExp(`mandatory\\s+workloads-runnable\\s+\\S+ ${name}\\s`), name);
    const written = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as Plan;
    assert.deepStrictEqual(planSchemaErrors(written), []);
    for (const { name, expect } of BROKEN_WORKLOADS) {
      const messages = written.policy.violations
        .filter((v) => v.policy === "cnai-workloads-runnable" && v.urn?.endsWith(`::${name}`))
        .map((v) => v.message);
      assert.ok(
        messages.some((m) => expect.test(m) && /\. Fix: /.test(m)),
        `${name}: ${messages.join(" | ")}`,
      );
      assert.notStrictEqual(
        written.workloads!.workloads.find((w) => w.urn.endsWith(`::${name}`))!.status,
        "runnable",
        name,
      );
    }
    const others = written.policy.violations.filter(
      (v) => v.policy === "cnai-workloads-runnable" && !BROKEN_WORKLOADS.some((b) => v.urn?.endsWith(`::${b.name}`)),
    );
    assert.deepStrictEqual(others, [], "the shipped workloads still run");
  });

  it("checks a plan from another program, here at the dev stack's advisory levels (exit 0)", async () => {
    const foreign = planOf([
      { type: "gcp:storage/bucket:Bucket", name: "scratch", inputs: { location: "EU", labels: { team: "x" } } },
    ]);
    const out = path.join(dir, "out-foreign");
    const { result, stdout } = await run("--plan", write("foreign.json", foreign), "--stack", "dev", "--out", out);
    assert.strictEqual(result, 0);
    const written = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as Plan;
    assert.strictEqual(written.stack, "policytest", "the plan keeps its own stack name");
    assert.match(
      stdout,
      /policy: stack dev \(a plan of stack policytest\): 1 resource, /,
      "the summary names the stack asked for",
    );
    const policies = new Set(written.policy.violations.map((v) => v.policy));
    for (const expected of [
      "cnai-required-labels",
      "cnai-bucket-security",
      "cnai-bucket-lifecycle",
      "cnai-data-classification",
    ])
      assert.ok(policies.has(expected), `${expected} in ${[...policies]}`);
    assert.ok(written.policy.violations.every((v) => v.enforcementLevel === "advisory"));
    assert.match(stdout, /advisory\s+required-labels\s+Bucket scratch/);
  });

  it("--format sarif at dev's levels: advisory findings and rules are warnings, a mandatory rule an error", async () => {
    // OASIS SARIF 2.1.0, 3.27.10 result.level: "error" is a serious problem, "warning" a problem;
    // an advisory finding never fails the deployment (the CLI reports it and carries on).
    const foreign = planOf([
      { type: "gcp:storage/bucket:Bucket", name: "scratch", inputs: { location: "EU", labels: { team: "x" } } },
    ]);
    const out = path.join(dir, "out-sarif-advisory");
    const { result } = await run(
      "--plan",
      write("advisory-sarif.json", foreign),
      "--stack",
      "dev",
      "--out",
      out,
      "--format",
      "sarif",
    );
    assert.strictEqual(result, 0);
    const [runResult] = JSON.parse(fs.readFileSync(path.join(out, "policy.sarif"), "utf8")).runs;
    assert.ok(runResult.results.length > 0, "the bucket breaks dev's advisory policies");
    assert.deepStrictEqual([...new Set(runResult.results.map((r: { level: string }) => r.level))], ["warning"]);
    const rule = (id: string) => runResult.tool.driver.rules.find((r: { id: string }) => r.id === id);
    assert.deepStrictEqual(rule("cnai-required-labels").defaultConfiguration, { enabled: true, level: "warning" });
    // Mandatory in every stack (docs/operations.md, "Policy configuration").
    assert.deepStrictEqual(rule("cnai-apply-order").defaultConfiguration, { enabled: true, level: "error" });
  });

  it("--format sarif: a rule per policy, a result per violation, mandatory as error, located at the stack file", async () => {
    const out = path.join(dir, "out-sarif");
    const { result } = await run(
      "--plan",
      write("bad-prod-sarif.json", await misconfiguredProd()),
      "--stack",
      "prod",
      "--out",
      out,
      "--format",
      "sarif",
    );
    assert.strictEqual(result, 1);
    const sarif = JSON.parse(fs.readFileSync(path.join(out, "policy.sarif"), "utf8"));
    const plan = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as Plan;
    assert.strictEqual(sarif.version, "2.1.0");
    const [runResult] = sarif.runs;
    assert.deepStrictEqual(
      runResult.tool.driver.rules.map((r: { id: string }) => r.id),
      PACKS.flatMap((p) => p.policies.map((x) => x.name)),
    );
    assert.strictEqual(runResult.results.length, plan.policy.violations.length);
    // Each rule's default level is its level in the stack's config (prod: all mandatory, two disabled).
    const rule = (id: string) => runResult.tool.driver.rules.find((r: { id: string }) => r.id === id);
    assert.deepStrictEqual(rule("cnai-bucket-security").defaultConfiguration, { enabled: true, level: "error" });
    assert.deepStrictEqual(rule("cnai-shiftable-gpu-capacity").defaultConfiguration, { enabled: false, level: "none" });
    for (const [i, r] of runResult.results.entries()) {
      const v = plan.policy.violations[i];
      assert.strictEqual(r.ruleId, v.policy);
      assert.strictEqual(runResult.tool.driver.rules[r.ruleIndex].id, v.policy);
      // OASIS SARIF 2.1.0 result.level: a mandatory finding blocks (error), an advisory one warns.
      assert.strictEqual(
        r.level,
        { mandatory: "error", advisory: "warning" }[v.enforcementLevel as "mandatory" | "advisory"],
      );
      assert.strictEqual(r.locations[0].physicalLocation.artifactLocation.uri, "stacks/Pulumi.prod.yaml");
      assert.strictEqual(r.locations[0].logicalLocations[0].fullyQualifiedName, v.urn ?? "stack prod");
    }
  });

  it("exits 2 with a clear message for a missing or invalid plan, an unknown stack's config, a bad format, and a bad policy config", async () => {
    const cases: Array<[string[], RegExp]> = [
      [["--plan", path.join(dir, "nope.json"), "--stack", "dev"], /--plan .*nope\.json: no such file/],
      [
        ["--plan", write("not-a-plan.json", { resources: "x" }), "--stack", "dev"],
        /not a plan\.json of the contract \(scripts\/lib\/plan\.schema\.json\): .*must have required property 'project'/,
      ],
      [
        ["--plan", write("ok.json", planOf([])), "--stack", "qa"],
        /policies\/config\/qa\/governance\.json: no policy config for stack qa; create it/,
      ],
      [
        ["--plan", write("ok2.json", planOf([])), "--stack", "dev", "--format", "html"],
        /--format: got "html"; allowed: json or sarif/,
      ],
      [["--stack", "dev"], /--plan is required/],
    ];
    for (const [args, expected] of cases) {
      const { result, stderr } = await run(...args);
      assert.strictEqual(result, 2, args.join(" "));
      assert.match(stderr, expected);
      assert.doesNotMatch(stderr, /^\s+at /m);
    }
    const root = fs.mkdtempSync(path.join(dir, "root-"));
    fs.mkdirSync(path.join(root, "policies", "config", "dev"), { recursive: true });
    fs.writeFileSync(
      path.join(root, "policies", "config", "dev", "governance.json"),
      JSON.stringify({
        all: "advisory",
        "cnai-required-label": "mandatory",
        "cnai-gpu-and-carbon-caps": { maxGpus: 4 },
      }),
    );
    fs.writeFileSync(
      path.join(root, "policies", "config", "dev", "sustainability.json"),
      JSON.stringify({ all: "advisory", "cnai-gpu-and-carbon-caps": { maxGpus: -1 } }),
    );
    const { result, stderr } = await run("--plan", write("ok3.json", planOf([])), "--stack", "dev", "--root", root);
    assert.strictEqual(result, 2);
    assert.match(
      stderr,
      /policies\/config\/dev\/governance\.json: cnai-required-label: not a policy of cnai-governance; allowed: all, cnai-required-labels/,
    );
    assert.match(
      stderr,
      /policies\/config\/dev\/governance\.json: cnai-gpu-and-carbon-caps: not a policy of cnai-governance/,
      "an entry in the other pack's file",
    );
    assert.match(
      stderr,
      /policies\/config\/dev\/sustainability\.json: cnai-gpu-and-carbon-caps\.maxGpus: got -1; allowed: an integer >= 0/,
    );
  });
});
