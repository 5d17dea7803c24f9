import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { main as newStack } from "../../scripts/new-stack";
import { main as plan } from "../../scripts/plan";
import { captureOutput, ROOT } from "../helpers/run";

/** `npm run new-stack`: forks a shipped stack and its policy config, validated, or writes nothing. */
describe("new-stack", function () {
  this.timeout(120_000);
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-new-stack-"));
    fs.mkdirSync(path.join(root, "stacks"));
    fs.writeFileSync(
      path.join(root, "Pulumi.yaml"),
      `name: cnai-platform\nruntime: nodejs\nmain: ${path.join(ROOT, "stacks", "index.ts")}\nstackConfigDir: stacks\n`,
    );
    for (const stack of ["dev", "staging"]) {
      fs.copyFileSync(
        path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`),
        path.join(root, "stacks", `Pulumi.${stack}.yaml`),
      );
      fs.cpSync(path.join(ROOT, "policies", "config", stack), path.join(root, "policies", "config", stack), {
        recursive: true,
      });
    }
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const fork = (...args: string[]) => captureOutput(() => newStack([...args, "--root", root]));
  const stackFile = (name: string) => path.join(root, "stacks", `Pulumi.${name}.yaml`);
  const policyFile = (name: string, pack: string) => path.join(root, "policies", "config", name, `${pack}.json`);
  /** Both packs' files of a stack, as one object (policy names are unique across packs). */
  const policyText = (name: string) =>
    ["governance", "sustainability"].map((pack) => fs.readFileSync(policyFile(name, pack), "utf8")).join("\n");

  it("forks staging into a new region: settings replaced, comments kept, zones dropped, profile set, URNs and project rewritten", async () => {
    const { result, stdout, stderr } = await fork(
      "--name",
      "team-a",
      "--from",
      "staging",
      "--project",
      "acme-ml-team-a",
      "--region",
      "us-central1",
      "--team",
      "team-a",
      "--cost-center",
      "cc-2002",
      "--billing-account",
      "0A1B2C-3D4E5F-6A7B8C",
    );
    // Written, then planned: staging's CO2e cap, set for europe-west4, does not hold in us-central1.
    assert.strictEqual(result, 1, stderr);
    assert.match(
      stdout,
      /new-stack: wrote stacks\/Pulumi\.team-a\.yaml and policies\/config\/team-a\/governance\.json, policies\/config\/team-a\/sustainability\.json \(from staging\)/,
    );
    assert.match(stdout, /new-stack: planned team-a offline: \d+ resources, 1 policy violation \(1 mandatory\)/);
    assert.match(
      stdout,
      /set "cnai-gpu-and-carbon-caps"\."maxCo2eKgPerMonth" in policies\/config\/team-a\/sustainability\.json from 2700 to \d+00 \(passes\)/,
    );
    const text = fs.readFileSync(stackFile("team-a"), "utf8");
    assert.match(text, /^# team-a: forked from staging by npm run new-stack/);
    assert.match(
      text,
      /# Serving candidates, on demand so load tests are not preempted\./,
      "the source's comments are kept",
    );
    const config = parse(text).config;
    assert.strictEqual(config["gcp:project"], "acme-ml-team-a");
    assert.strictEqual(config["gcp:region"], "us-central1");
    assert.strictEqual(config["cnai-platform:team"], "team-a");
    assert.strictEqual(config["cnai-platform:costCenter"], "cc-2002");
    assert.strictEqual(config["cnai-platform:profile"], "staging");
    assert.strictEqual(config["cnai-platform:observability"].budget.billingAccount, "0A1B2C-3D4E5F-6A7B8C");
    assert.ok(!("cnai-platform:zones" in config), "the region's zones are left to the profile");
    assert.ok(config["cnai-platform:gpuPools"].every((p: Record<string, unknown>) => !("zones" in p)));
    const policy = policyText("team-a");
    const source = policyText("staging");
    assert.ok(!policy.includes("urn:pulumi:staging::"), "exemption URNs name the new stack");
    assert.ok(
      !policy.includes("acme-ml-staging") && !policy.includes("europe-west4"),
      "project- and region-bound values rewritten",
    );
    assert.strictEqual(policy.split("urn:pulumi:team-a::").length, source.split("urn:pulumi:staging::").length);
    const forked = {
      ...JSON.parse(fs.readFileSync(policyFile("team-a", "governance"), "utf8")),
      ...JSON.parse(fs.readFileSync(policyFile("team-a", "sustainability"), "utf8")),
    };
    assert.strictEqual(
      forked["cnai-sustainability-labels"].region,
      "us-central1",
      "the carbon-tier check follows the new region",
    );
    assert.strictEqual(
      forked["cnai-approved-registries"].registries[0],
      "us-central1-docker.pkg.dev/acme-ml-team-a/",
      "the stack's own registry",
    );
  });

  it("gives a fork that plans without a mandatory violation, and says so", async () => {
    const forked = await fork(
      "--name",
      "team-b",
      "--from",
      "staging",
      "--project",
      "acme-ml-team-b",
      "--team",
      "team-b",
    );
    assert.strictEqual(forked.result, 0, forked.stdout + forked.stderr);
    assert.match(
      forked.stdout,
      /new-stack: planned team-b offline: \d+ resources, 0 policy violations \(0 mandatory\)/,
    );
    assert.match(forked.stdout, /new-stack: next: npm run plan -- --stack team-b\n$/);
    const { result, stdout, stderr } = await captureOutput(() =>
      plan(["--stack", "team-b", "--root", root, "--out", path.join(root, "out")]),
    );
    assert.strictEqual(result, 0, `${stdout}\n${stderr}`);
    assert.match(stdout, /plan: stack team-b: \d+ resources/);
    const written = JSON.parse(fs.readFileSync(path.join(root, "out", "plan.json"), "utf8"));
    assert.ok(written.resources.some((r: { inputs: { project?: string } }) => r.inputs.project === "acme-ml-team-b"));
    assert.deepStrictEqual(written.policy.packs, ["cnai-governance", "cnai-sustainability"]);
  });

  it("refuses a config the schema rejects, naming the new file, and writes nothing", async () => {
    const { result, stderr } = await fork("--name", "team-c", "--from", "staging", "--region", "us-east4");
    assert.strictEqual(result, 2);
    assert.match(
      stderr,
      /stacks\/Pulumi\.team-c\.yaml: cnai-platform:gpuPools\[1\]\.accelerator\.type: got "nvidia-tesla-a100"; allowed: an accelerator offered in us-east4/,
    );
    assert.doesNotMatch(stderr, /^\s+at /m);
    assert.ok(
      !fs.existsSync(stackFile("team-c")) && !fs.existsSync(path.join(root, "policies", "config", "team-c")),
      "nothing written",
    );
  });

  it("refuses to overwrite a stack, a bad name, an unknown source, and asks for --name", async () => {
    assert.match((await fork("--name", "dev")).stderr, /stacks\/Pulumi\.dev\.yaml exists; choose another --name/);
    assert.match((await fork("--name", "Team_A")).stderr, /--name: got "Team_A"; allowed: a lower-case stack name/);
    assert.match(
      (await fork("--name", "x", "--from", "qa")).stderr,
      /no stack file stacks\/Pulumi\.qa\.yaml for stack "qa"; stacks: dev, staging/,
    );
    const missing = await fork();
    assert.strictEqual(missing.result, 2);
    assert.match(missing.stderr, /--name is required/);
  });
});
