import * as assert from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  COMPUTE_TYPES,
  DATA_STORE_TYPES,
  LABEL_FIELDS,
  labelsOf,
  UNLABELLED_TYPES,
} from "../../components/catalog/label-fields";
import { isRegion } from "../../components/catalog/regions";
import { replaceRulesFor } from "../../components/catalog/replace-on-change";
import { labelSyntaxProblems } from "../../components/labels";
import { diffPlans } from "../../policies/lib/analysis/plan-diff";
import { PACKS } from "../../policies/lib/packs";
import type { RunResult } from "../../scripts/lib/engine";
import { type Plan, planFromRun } from "../../scripts/lib/plan-document";
import { policyConfigFile } from "../../scripts/lib/policy-check";
import { UNKNOWN } from "../../scripts/lib/wire-values";
import { planSchemaErrors } from "../helpers/plan-schema";
import { badDevStack, writeProject } from "../helpers/project";
import { documentedCarbonTier } from "../helpers/region-carbon";
import { input, one, ROOT } from "../helpers/run";
import { STACKS, stackRun } from "../helpers/stacks";

const plans = new Map<string, { update: Plan; preview: Plan; run: RunResult }>();

async function planOf(stack: string) {
  if (!plans.has(stack)) {
    const run = await stackRun(stack);
    plans.set(stack, { update: planFromRun(run), preview: planFromRun(await stackRun(stack, true)), run });
  }
  return plans.get(stack)!;
}

/**
 * Every stack in stacks/ (the shipped dev, staging and prod, and any fork made with `npm run
 * new-stack`) passes the checks below; the profile stacks have their own checks further down.
 */
describe("shipped stacks", () => {
  it("include dev, staging and prod, and every stack file has its policy config for each pack", () => {
    for (const shipped of ["dev", "staging", "prod"]) assert.ok(STACKS.includes(shipped), shipped);
    for (const stack of STACKS)
      for (const pack of PACKS)
        assert.ok(fs.existsSync(policyConfigFile(ROOT, stack, pack)), `policies/config/${stack}/${pack.dir}.json`);
  });

  for (const stack of STACKS) {
    describe(stack, () => {
      it("plans in update and preview mode, each plan valid against the plan.json contract", async () => {
        const { update, preview } = await planOf(stack);
        assert.deepStrictEqual(planSchemaErrors(update), []);
        assert.deepStrictEqual(planSchemaErrors(preview), []);
        assert.strictEqual(preview.resources.length, update.resources.length);
        assert.ok(update.resources.length >= 20, `${update.resources.length} resources`);
        assert.ok(JSON.stringify(preview.outputs).includes(UNKNOWN), "preview leaves computed outputs unknown");
        assert.ok(!JSON.stringify(update.outputs).includes(UNKNOWN), "update mode synthesises them");
      });

      it("has replace-on-change rules for every resource type it declares (components/catalog/replace-on-change.ts)", async () => {
        const { update } = await planOf(stack);
        const types = new Set(
          update.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).map((r) => r.type),
        );
        const missing = [...types].filter((t) => !replaceRulesFor(t)?.rules.length);
        assert.deepStrictEqual(
          missing,
          [],
          "regenerate: node -r ./scripts/ts-register.js scripts/generate-replace-on-change.ts",
        );
        // Against itself the plan changes nothing.
        const diff = diffPlans(update.resources, update.resources, stack);
        assert.deepStrictEqual(diff.changes, []);
      });

      it("labels every GCP resource that takes labels with the governance set, and compute with the sustainability set", async () => {
        const { update } = await planOf(stack);
        const region = String(update.outputs.region);
        assert.ok(isRegion(region));
        for (const r of update.resources.filter((x) => x.custom && x.type.startsWith("gcp:"))) {
          assert.ok(
            r.type in LABEL_FIELDS || UNLABELLED_TYPES.includes(r.type),
            `${r.type} is classified in components/catalog/label-fields.ts`,
          );
          const labels = labelsOf(r.type, r.inputs) as Record<string, string> | undefined;
          if (!(r.type in LABEL_FIELDS)) continue;
          assert.ok(labels, `${r.urn} has labels`);
          assert.deepStrictEqual(labelSyntaxProblems(labels), [], r.urn);
          assert.strictEqual(labels.env, stack, r.urn);
          assert.strictEqual(labels["managed-by"], "pulumi", r.urn);
          for (const key of ["team", "cost-center", "component"]) assert.ok(labels[key], `${r.urn} has ${key}`);
          if (DATA_STORE_TYPES.includes(r.type)) {
            assert.ok(
              ["public", "internal", "confidential", "restricted"].includes(labels["data-classification"]),
              `${r.urn} data-classification`,
            );
          }
          if (COMPUTE_TYPES.includes(r.type)) {
            assert.ok(["training", "inference", "data", "platform"].includes(labels["workload-type"]), r.urn);
            assert.ok(["true", "false"].includes(labels.shiftable), r.urn);
            assert.strictEqual(labels["carbon-tier"], documentedCarbonTier(region), r.urn);
          }
        }
      });

      it("identifies the Kubernetes provider by the cluster's id, so a new endpoint in the kubeconfig replaces no object", async () => {
        // pulumi-kubernetes DiffConfig: with clusterIdentifier set and unchanged, kubeconfig changes are updates.
        const { update, preview } = await planOf(stack);
        const cluster = update.resources.find((r) => r.type === "gcp:container/cluster:Cluster")!;
        const provider = update.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
        assert.strictEqual(
          provider.inputs.clusterIdentifier,
          `projects/${cluster.inputs.project}/locations/${cluster.inputs.location}/clusters/${cluster.inputs.name}`,
        );
        assert.ok(
          provider.propertyDependencies?.clusterIdentifier?.includes(cluster.urn),
          "taken from the cluster's output",
        );
        assert.strictEqual(
          preview.resources.find((r) => r.type === "pulumi:providers:kubernetes")!.inputs.clusterIdentifier,
          UNKNOWN,
          "unknown until the cluster exists",
        );
      });

      it("opens the charts' webhook and metrics API ports from the control plane range before any Kubernetes object, whose provider waits for the rule", async () => {
        // Private nodes: GKE opens 443 and 10250 from the control plane only (gke-control-plane.ts).
        const { update } = await planOf(stack);
        const cluster = update.resources.find((r) => r.type === "gcp:container/cluster:Cluster")!;
        assert.strictEqual((cluster.inputs.privateClusterConfig as Record<string, unknown>).enablePrivateNodes, true);
        const rule = update.resources.find((r) => r.type === "gcp:compute/firewall:Firewall")!;
        assert.deepStrictEqual(rule.inputs.sourceRanges, [
          (cluster.inputs.privateClusterConfig as Record<string, unknown>).masterIpv4CidrBlock,
        ]);
        assert.deepStrictEqual(rule.inputs.allows, [{ protocol: "tcp", ports: ["6443", "8082", "8443", "9443"] }]);
        const provider = update.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
        assert.ok(provider.options.dependsOn.includes(rule.urn), "the Kubernetes provider depends on the rule");
        assert.ok(
          update.resources
            .filter((r) => r.type.startsWith("kubernetes:"))
            .every((r) => r.provider?.startsWith(`${provider.urn}::`)),
          "every Kubernetes object uses that provider",
        );
      });

      it("keeps derived names within GCP's limits", async () => {
        const { update } = await planOf(stack);
        for (const r of update.resources) {
          const name = r.inputs.name;
          if (r.type === "gcp:container/cluster:Cluster" || r.type === "gcp:container/nodePool:NodePool")
            assert.ok(String(name).length <= 40, `${name}`);
          if (r.type === "gcp:serviceaccount/account:Account")
            assert.match(String(r.inputs.accountId), /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/);
          if (typeof name === "string" && r.type.startsWith("gcp:compute/"))
            assert.match(name, /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
        }
      });
    });
  }

  it("dev: zonal, spot GPU pools that scale to zero, no deletion protection, Google-managed keys, nothing protected", async () => {
    const { run } = await planOf("dev");
    const cluster = one(run, "gcp:container/cluster:Cluster");
    assert.strictEqual(input(cluster, "location"), "us-central1-a");
    assert.strictEqual(input(cluster, "deletionProtection"), false);
    assert.deepStrictEqual(input(cluster, "databaseEncryption"), { state: "DECRYPTED" });
    const pools = run.resources.filter((r) => r.type === "gcp:container/nodePool:NodePool");
    assert.ok(
      pools.every((p) => input(p, "nodeConfig.spot") === true),
      "system and GPU pools on spot",
    );
    assert.ok(
      pools.filter((p) => input(p, "name") !== "system").every((p) => input(p, "autoscaling.totalMinNodeCount") === 0),
    );
    assert.ok(run.resources.every((r) => !r.options.protect));
  });

  it("staging: regional, GPU pools scale to zero, DWS flex-start and MIG exercised", async () => {
    const { run } = await planOf("staging");
    assert.strictEqual(input(one(run, "gcp:container/cluster:Cluster"), "location"), "europe-west4");
    const pools = run.resources.filter(
      (r) => r.type === "gcp:container/nodePool:NodePool" && input(r, "name") !== "system",
    );
    assert.ok(pools.every((p) => input(p, "autoscaling.totalMinNodeCount") === 0));
    assert.strictEqual(input(one(run, "gcp:container/nodePool:NodePool", "h100-flex"), "nodeConfig.flexStart"), true);
    assert.strictEqual(
      input(one(run, "gcp:container/nodePool:NodePool", "a100-mig"), "nodeConfig.guestAccelerators.0.gpuPartitionSize"),
      "3g.20gb",
    );
  });

  it("prod: regional, private endpoint, deletion protection, customer-managed key, on-demand and reserved GPUs, cluster protected", async () => {
    const { run } = await planOf("prod");
    const cluster = one(run, "gcp:container/cluster:Cluster");
    assert.strictEqual(input(cluster, "location"), "us-central1");
    assert.strictEqual(input(cluster, "deletionProtection"), true);
    assert.strictEqual(input(cluster, "privateClusterConfig.enablePrivateEndpoint"), true);
    assert.strictEqual(input(cluster, "databaseEncryption.state"), "ENCRYPTED");
    assert.strictEqual(
      input(cluster, "databaseEncryption.keyName"),
      input(one(run, "gcp:kms/cryptoKey:CryptoKey", "gke-secrets-key"), "keyRing") +
        "/cryptoKeys/cnai-prod-gke-secrets-key",
    );
    assert.strictEqual(cluster.options.protect, true);
    assert.strictEqual(one(run, "gcp:kms/cryptoKey:CryptoKey", "gke-secrets-key").options.protect, true);
    assert.strictEqual(input(one(run, "gcp:container/nodePool:NodePool", "l4-serve"), "nodeConfig.spot"), false);
    assert.strictEqual(
      input(
        one(run, "gcp:container/nodePool:NodePool", "h100-train"),
        "nodeConfig.reservationAffinity.consumeReservationType",
      ),
      "SPECIFIC_RESERVATION",
    );
    assert.match(String(run.outputs.clusterEndpoint), /\.gke\.goog$/, "kubeconfig uses the DNS endpoint");
  });

  describe("npm run plan, as a user runs it", function () {
    this.timeout(120_000);
    let out: string;
    before(() => (out = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-cli-"))));
    after(() => fs.rmSync(out, { recursive: true, force: true }));

    it("exits 0 and writes plan.json, report.md and manifests/", () => {
      const stdout = execFileSync("npm", ["run", "-s", "plan", "--", "--stack", "dev", "--out", out], {
        cwd: ROOT,
        encoding: "utf8",
      });
      assert.match(stdout, /plan: stack dev: \d+ resources/);
      assert.deepStrictEqual(fs.readdirSync(out).sort(), ["manifests", "plan.json", "report.md"]);
      assert.deepStrictEqual(planSchemaErrors(JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"))), []);
    });

    it("exits 2 on a bad stack file with the key named and no stack trace", () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-cli-bad-"));
      try {
        writeProject(root, { dev: badDevStack() });
        const result = spawnSync("npm", ["run", "-s", "plan", "--", "--stack", "dev", "--root", root], {
          cwd: ROOT,
          encoding: "utf8",
        });
        assert.strictEqual(result.status, 2, result.stderr);
        assert.match(
          result.stderr,
          /stacks\/Pulumi\.dev\.yaml: cnai-platform:gpuPools\[0\]\.autoscaling\.max: got 0; allowed: an integer from 1 to 1000/,
        );
        assert.doesNotMatch(result.stderr, /^\s+at /m);
        assert.ok(!fs.existsSync(path.join(root, "out")), "nothing written");
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  });
});
