import * as assert from "node:assert";
import { replaceRulesFor } from "../../components/catalog/replace-on-change";
import { type DiffResource, diffPlans, inputDifferences } from "../../policies/lib/analysis/plan-diff";
import { PACKS } from "../../policies/lib/packs";
import type { Plan } from "../../scripts/lib/plan-document";
import { sarifOf } from "../../scripts/lib/sarif";

const URN = "urn:pulumi:prod::cnai-platform::";
const resource = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  options: DiffResource["options"] = {},
): DiffResource => ({ urn: `${URN}${type}::${name}`, type, name, custom: true, inputs, options });

const NODE_POOL = "gcp:container/nodePool:NodePool";
const gpuPool = (driver: string, extra: Record<string, unknown> = {}) =>
  resource(NODE_POOL, "h100-train", {
    name: "gpu-h100-train",
    nodeLocations: ["us-central1-a"],
    autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 4 },
    nodeConfig: {
      machineType: "a3-highgpu-8g",
      guestAccelerators: [
        { type: "nvidia-h100-80gb", count: 8, gpuDriverInstallationConfig: { gpuDriverVersion: driver } },
      ],
      ...extra,
    },
  });
const flavor = (pool: string) =>
  resource("kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor", "flavor", {
    apiVersion: "kueue.x-k8s.io/v1beta2",
    kind: "ResourceFlavor",
    metadata: { name: "gpu-h100-train" },
    spec: { nodeLabels: { "cloud.google.com/gke-nodepool": pool } },
  });

describe("plan diff", () => {
  it("reports a GPU driver version change of an in-use pool as a replacement that drains its GPUs", () => {
    const diff = diffPlans(
      [gpuPool("LATEST"), flavor("gpu-h100-train")],
      [gpuPool("DEFAULT"), flavor("gpu-h100-train")],
      "base",
    );
    assert.deepStrictEqual(
      diff.changes.map((c) => [c.action, c.name, c.replacedBy]),
      [["replace", "h100-train", ["nodeConfig.guestAccelerators[0].gpuDriverInstallationConfig.gpuDriverVersion"]]],
    );
    // 4 nodes at most × 8 H100s per a3-highgpu-8g (components/catalog/gpus.ts).
    assert.strictEqual(diff.disruption.gpusDrained, 32);
    assert.deepStrictEqual(diff.disruption.pools[0].gpus, { idle: 0, max: 32 });
    assert.strictEqual(diff.disruption.pools[0].inUse, true);
    assert.deepStrictEqual(diff.errors, []);
  });

  it("puts the drained in-use pool in SARIF as a cnai-plan-diff warning, and a diff error as an error", () => {
    const bucket = resource("gcp:storage/bucket:Bucket", "models", { name: "m", location: "US" }, { protect: true });
    const moved = { ...bucket, inputs: { name: "m", location: "EU" } };
    const diff = diffPlans(
      [gpuPool("LATEST"), flavor("gpu-h100-train"), bucket],
      [gpuPool("DEFAULT"), flavor("gpu-h100-train"), moved],
      "base",
    );
    const plan = {
      project: "cnai-platform",
      stack: "prod",
      resources: [],
      outputs: {},
      policy: { packs: [], violations: [] },
      diff,
    } as Plan;
    const run = (
      sarifOf(plan, PACKS, "stacks/Pulumi.prod.yaml") as {
        runs: Array<{ results: Array<Record<string, unknown>>; tool: { driver: { rules: Array<{ id: string }> } } }>;
      }
    ).runs[0];
    const results = run.results.filter((r) => r.ruleId === "cnai-plan-diff");
    assert.deepStrictEqual(
      results.map((r) => r.level),
      ["error", "warning"],
    );
    assert.match(
      String((results[1].message as { text: string }).text),
      /gpu-h100-train is replaced while in use: up to 32 GPUs drained/,
    );
    assert.strictEqual(run.tool.driver.rules[results[0].ruleIndex as number].id, "cnai-plan-diff");
  });

  it("updates a node pool's machine type in place (not ForceNew in terraform-provider-google-beta v7.45.0)", () => {
    const next = gpuPool("LATEST");
    (next.inputs.nodeConfig as Record<string, unknown>).machineType = "a3-megagpu-8g";
    const diff = diffPlans([gpuPool("LATEST")], [next], "base");
    assert.deepStrictEqual(
      diff.changes.map((c) => [c.action, c.fields]),
      [["update", ["nodeConfig.machineType"]]],
    );
  });

  it("replaces on a block added where ForceNew marks the block (placementPolicy), not on a field changed inside a kept one", () => {
    const placed = gpuPool("LATEST");
    placed.inputs.placementPolicy = { type: "COMPACT" };
    assert.strictEqual(diffPlans([gpuPool("LATEST")], [placed], "b").changes[0].action, "replace");
    const scaled = gpuPool("LATEST");
    scaled.inputs.autoscaling = { totalMinNodeCount: 0, totalMaxNodeCount: 8 };
    assert.strictEqual(diffPlans([gpuPool("LATEST")], [scaled], "b").changes[0].action, "update");
  });

  it("counts a pool no flavor or workload selects as retired, not drained", () => {
    const diff = diffPlans([gpuPool("LATEST"), flavor("gpu-h100-train-g2")], [flavor("gpu-h100-train-g2")], "base");
    assert.deepStrictEqual(
      diff.changes.map((c) => c.action),
      ["delete"],
    );
    assert.strictEqual(diff.disruption.gpusDrained, 0);
    assert.strictEqual(diff.disruption.pools[0].inUse, false);
  });

  it("makes a protected resource's replacement and a data store's deletion errors", () => {
    const bucket = (location: string, protect: boolean) =>
      resource("gcp:storage/bucket:Bucket", "models", { name: "acme-models", location }, { protect });
    const replaced = diffPlans([bucket("US-CENTRAL1", true)], [bucket("EU", true)], "b");
    assert.strictEqual(replaced.changes[0].action, "replace");
    assert.match(replaced.errors[0].message, /is protected and would be replaced \(location changed\)/);
    const deleted = diffPlans([bucket("US-CENTRAL1", false)], [], "b");
    assert.match(deleted.errors[0].message, /holds data and would be deleted: its contents are lost/);
  });

  it("reports an update the CRD refuses (TrainJob spec.runtimeRef is immutable) as an error", () => {
    const job = (runtime: string) =>
      resource("kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob", "job", {
        metadata: { name: "job", namespace: "team-a" },
        spec: { runtimeRef: { name: runtime } },
      });
    const diff = diffPlans([job("torch-distributed")], [job("deepspeed-distributed")], "b");
    assert.strictEqual(diff.changes[0].action, "update");
    assert.match(diff.errors[0].message, /refuses to change spec\.runtimeRef\.name in place/);
  });

  it("replaces a Kubernetes object renamed or a ConfigMap's data changed (pulumi-kubernetes force-new properties)", () => {
    const cm = (name: string, value: string) =>
      resource("kubernetes:core/v1:ConfigMap", "cm", { metadata: { name, namespace: "a" }, data: { k: value } });
    assert.strictEqual(diffPlans([cm("x", "1")], [cm("x", "2")], "b").changes[0].action, "replace");
    assert.strictEqual(diffPlans([cm("x", "1")], [cm("y", "1")], "b").changes[0].action, "replace");
    const dep = (image: string, selector: string) =>
      resource("kubernetes:apps/v1:Deployment", "d", {
        metadata: { name: "d", namespace: "a" },
        spec: { selector: { matchLabels: { app: selector } }, template: { spec: { containers: [{ image }] } } },
      });
    const rolled = diffPlans([dep("a:1", "x")], [dep("a:2", "x")], "b");
    assert.strictEqual(rolled.changes[0].action, "update");
    assert.match(rolled.disruption.podsRestarted[0].message, /Pod template changed/);
    assert.strictEqual(diffPlans([dep("a:1", "x")], [dep("a:1", "y")], "b").changes[0].action, "replace");
  });

  it("compares unknown and secret values as written, and honours ignoreChanges", () => {
    assert.deepStrictEqual(inputDifferences({ a: "[unknown]", b: "[secret]" }, { a: "[unknown]", b: "[secret]" }), []);
    assert.deepStrictEqual(
      inputDifferences({ a: "x" }, { a: "[unknown]" }).map((d) => d.path),
      ["a"],
    );
    const pool = () => ({ ...gpuPool("LATEST"), options: { ignoreChanges: ["initialNodeCount"] } });
    const a = pool();
    const b = pool();
    b.inputs = { ...b.inputs, initialNodeCount: 3 };
    assert.strictEqual(diffPlans([a], [b], "b").summary.unchanged, 1);
  });

  it("has rules for the blueprint's key resource types, with their sources", () => {
    const nodePool = replaceRulesFor(NODE_POOL)!;
    assert.match(nodePool.source, /terraform-provider-google-beta@v7\.45\.0 .*resource_container_node_pool\.go/);
    const paths = new Map(nodePool.rules.map((r) => [r.path, r.when]));
    // node_config.go: guest_accelerator.gpu_driver_installation_config.gpu_driver_version is ForceNew; machine_type is not.
    assert.strictEqual(
      paths.get("nodeConfig.guestAccelerators.gpuDriverInstallationConfig.gpuDriverVersion"),
      "change",
    );
    assert.strictEqual(paths.get("nodeConfig.guestAccelerators.type"), "change");
    assert.strictEqual(paths.get("nodeConfig"), "presence");
    assert.strictEqual(paths.has("nodeConfig.machineType"), false);
    assert.strictEqual(paths.get("name"), "change");
    const bucket = new Map(replaceRulesFor("gcp:storage/bucket:Bucket")!.rules.map((r) => [r.path, r.when]));
    assert.strictEqual(bucket.get("location"), "change");
    assert.strictEqual(bucket.get("name"), "change");
    const iam = new Set(replaceRulesFor("gcp:storage/bucketIAMMember:BucketIAMMember")!.rules.map((r) => r.path));
    for (const path of ["bucket", "role", "member", "condition"]) assert.ok(iam.has(path), path);
    const service = replaceRulesFor("kubernetes:core/v1:Service")!;
    assert.deepStrictEqual(
      service.rules.map((r) => r.path),
      ["metadata.name", "metadata.namespace", "spec.clusterIP"],
    );
  });
});
