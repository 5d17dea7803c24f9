import * as assert from "node:assert";
import { type DiffResource, diffPlans, inputDifferences, selectedPools } from "../../policies/lib/analysis/plan-diff";

/**
 * The plan diff's steps and disruption, case by case, against what Pulumi and the providers do:
 * - the step per URN as the Pulumi engine plans it (pkg/resource/deploy/step_generator.go: a URN only
 *   in the program is a create, only in the state a delete; a diff whose keys hit the provider's
 *   replace keys, or the resource's `replaceOnChanges`, a replace; any other diff an update; no diff
 *   a same), and `ignoreChanges` paths left out of the diff (Pulumi docs, "Resource options:
 *   ignoreChanges": property paths, list elements indexed);
 * - property maps as the engine compares them (sdk/go/common/resource/properties_diff.go
 *   PropertyMap.Diff: a key whose value is null is no value, `HasValue()` false, so null and
 *   missing are equal);
 * - node counts as the GKE node pool documents them (terraform-provider-google-beta v7.45.0
 *   website/docs/r/container_node_pool.html.markdown: `node_count` and `initial_node_count` and
 *   `autoscaling.min_node_count`/`max_node_count` are per zone, `total_min_node_count`/
 *   `total_max_node_count` for the whole pool), GPUs per node from Google's machine type tables
 *   (g2-standard-24: 2 L4; a2-highgpu-2g: 2 A100; N1 VMs: the accelerators attached).
 */
const URN = "urn:pulumi:prod::cnai-platform::";
const resource = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  options: DiffResource["options"] = {},
  custom = true,
): DiffResource => ({ urn: `${URN}${type}::${name}`, type, name, custom, inputs, options });

const NODE_POOL = "gcp:container/nodePool:NodePool";
const POOL_LABEL = "cloud.google.com/gke-nodepool";
const pool = (inputs: Record<string, unknown>, name = "gpu") => resource(NODE_POOL, name, inputs);
const deployment = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) =>
  resource("kubernetes:apps/v1:Deployment", "serve", {
    metadata: { name: "serve", namespace: "team-a", ...metadata },
    spec: {
      selector: { matchLabels: { app: "serve" } },
      template: { spec: { containers: [{ name: "c", image: "vllm:1" }] } },
      ...spec,
    },
  });

describe("plan diff: steps", () => {
  describe("input differences", () => {
    it("finds a changed value as a non-structural leaf, and a list of another length at the list", () => {
      assert.deepStrictEqual(inputDifferences({ a: 1 }, { a: 2 }), [{ path: "a", key: "a", structural: false }]);
      assert.deepStrictEqual(inputDifferences({ l: [1] }, { l: [1, 2] }), [{ path: "l", key: "l", structural: true }]);
      assert.deepStrictEqual(inputDifferences({ l: [{ x: 1 }, { x: 2 }] }, { l: [{ x: 3 }] }), [
        { path: "l", key: "l", structural: true },
        { path: "l[0].x", key: "l.x", structural: false },
      ]);
      assert.deepStrictEqual(inputDifferences({ b: { c: 1 } }, {}), [
        { path: "b", key: "b", structural: true, value: { c: 1 } },
      ]);
      assert.deepStrictEqual(inputDifferences({}, { s: "x" }), [
        { path: "s", key: "s", structural: false, value: "x" },
      ]);
    });

    it("treats null and a missing value as the same (PropertyMap.Diff: null has no value)", () => {
      assert.deepStrictEqual(inputDifferences({ a: null, b: 1 }, { b: 1 }), []);
      assert.deepStrictEqual(inputDifferences({ a: { c: null } }, { a: {} }), []);
    });

    it("lists the changed paths by sorted key, as Pulumi's diff display orders them (PropertyMap.StableKeys)", () => {
      assert.deepStrictEqual(
        inputDifferences({ z: 1, a: 1, m: { y: 1, b: 1 } }, { z: 2, a: 2, m: { y: 2, b: 2 } }).map((d) => d.path),
        ["a", "m.b", "m.y", "z"],
      );
    });
  });

  describe("steps per URN", () => {
    const bucket = (location: string) =>
      resource("gcp:storage/bucket:Bucket", "models", { name: "acme-models", location });
    const sa = (displayName: string) =>
      resource("gcp:serviceaccount/account:Account", "sa", { accountId: "serving", displayName });
    const topic = resource("gcp:pubsub/topic:Topic", "events", { name: "events" });
    const secret = resource("gcp:secretmanager/secret:Secret", "token", { secretId: "token" });
    const same = resource("gcp:compute/network:Network", "vpc", { name: "vpc" });

    it("plans one step per URN: create, update, replace, delete or none, and counts them", () => {
      const diff = diffPlans([bucket("US"), sa("old"), secret, same], [bucket("EU"), sa("new"), topic, same], "main");
      assert.strictEqual(diff.against, "main");
      assert.deepStrictEqual(diff.summary, { create: 1, update: 1, replace: 1, delete: 1, unchanged: 1 });
      const step = (name: string) => diff.changes.find((c) => c.name === name);
      assert.deepStrictEqual(step("events"), {
        urn: topic.urn,
        type: topic.type,
        name: "events",
        action: "create",
        fields: [],
      });
      assert.deepStrictEqual(step("token"), {
        urn: secret.urn,
        type: secret.type,
        name: "token",
        action: "delete",
        fields: [],
      });
      assert.deepStrictEqual(
        [step("sa")?.action, step("sa")?.fields, step("sa")?.replacedBy],
        ["update", ["displayName"], undefined],
      );
      // google_storage_bucket: location is ForceNew.
      assert.deepStrictEqual([step("models")?.action, step("models")?.replacedBy], ["replace", ["location"]]);
      assert.strictEqual(step("vpc"), undefined);
    });

    it("lists the disruptive steps first (replace, delete), then updates and creates, by URN within each", () => {
      const b = (n: string, l: string) => resource("gcp:storage/bucket:Bucket", n, { name: n, location: l });
      const diff = diffPlans(
        [b("b2", "US"), b("b1", "US"), sa("old"), secret],
        [topic, b("b2", "EU"), b("b1", "EU"), sa("new")],
        "main",
      );
      assert.deepStrictEqual(
        diff.changes.map((c) => [c.action, c.name]),
        [
          ["replace", "b1"],
          ["replace", "b2"],
          ["delete", "token"],
          ["update", "sa"],
          ["create", "events"],
        ],
      );
    });

    it("diffs only custom resources: a component's inputs drive no provider step", () => {
      const component = (v: string) => resource("cnai:serving:Model", "llama", { version: v }, {}, false);
      const diff = diffPlans([component("1")], [component("2")], "main");
      assert.deepStrictEqual(diff.changes, []);
      assert.deepStrictEqual(diff.summary, { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0 });
      assert.deepStrictEqual(diffPlans([component("1")], [], "main").changes, []);
      assert.deepStrictEqual(diffPlans([], [component("1")], "main").changes, []);
    });

    it("replaces on a field the resource's own replaceOnChanges names, where the provider would update", () => {
      // google_monitoring_alert_policy: display_name is not ForceNew; replaceOnChanges makes it so.
      const policy = (displayName: string, replaceOnChanges?: string[]) =>
        resource("gcp:monitoring/alertPolicy:AlertPolicy", "alert", { displayName }, { replaceOnChanges });
      assert.deepStrictEqual(
        diffPlans([policy("a")], [policy("b", ["displayName"])], "m").changes.map((c) => [c.action, c.replacedBy]),
        [["replace", ["displayName"]]],
      );
      assert.strictEqual(diffPlans([policy("a")], [policy("b")], "m").changes[0].action, "update");
      // A type with no table at all: only replaceOnChanges.
      const custom = (v: string) =>
        resource("acme:index/widget:Widget", "w", { size: v }, { replaceOnChanges: ["size"] });
      assert.strictEqual(diffPlans([custom("1")], [custom("2")], "m").changes[0].action, "replace");
    });

    it("leaves ignoreChanges paths out, list indexes included, and keeps the other changes", () => {
      const accelerators = (n: number, at: number) =>
        Array.from({ length: n }, (_, i) => ({ type: "nvidia-l4", count: i === at ? 2 : 1 }));
      const withList = (at: number, ignoreChanges: string[]) =>
        resource("acme:index/list:List", "l", { items: accelerators(13, at), label: "x" }, { ignoreChanges });
      const base = withList(-1, []);
      for (const index of [0, 12]) {
        const next = withList(index, [`items[${index}].count`]);
        assert.strictEqual(diffPlans([base], [next], "m").summary.unchanged, 1, `items[${index}].count ignored`);
      }
      const relabelled = withList(0, ["items[0].count"]);
      relabelled.inputs.label = "y";
      assert.deepStrictEqual(diffPlans([base], [relabelled], "m").changes[0].fields, ["label"]);
    });
  });

  describe("what a replacement forces", () => {
    const base = () =>
      pool({
        name: "l4",
        nodeConfig: { machineType: "g2-standard-24" },
      });

    it("replaces when ForceNew blocks appear (guest_accelerator, or node_config where there was none)", () => {
      const accelerated = base();
      (accelerated.inputs.nodeConfig as Record<string, unknown>).guestAccelerators = [{ type: "nvidia-l4", count: 2 }];
      assert.strictEqual(diffPlans([base()], [accelerated], "m").changes[0].action, "replace");
      const bare = pool({ name: "l4" });
      assert.deepStrictEqual(diffPlans([bare], [base()], "m").changes[0].replacedBy, ["nodeConfig"]);
    });

    it("replaces when a block appears or goes that holds a ForceNew field, not when it holds only updatable ones", () => {
      // resource_container_node_pool.go network_config: pod_range and additional_node_network_configs
      // are ForceNew, enable_private_nodes is updated in place (UpdateNodePool).
      const networked = (networkConfig?: Record<string, unknown>) => {
        const p = base();
        if (networkConfig) p.inputs.networkConfig = networkConfig;
        return p;
      };
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ["enablePrivateNodes only", { enablePrivateNodes: true }, "update"],
        ["podRange", { podRange: "pods" }, "replace"],
        [
          "additionalNodeNetworkConfigs",
          { additionalNodeNetworkConfigs: [{ network: "n", subnetwork: "s" }] },
          "replace",
        ],
        ["additionalNodeNetworkConfigs empty", { additionalNodeNetworkConfigs: [] }, "update"],
        // null is no value (Pulumi PropertyValue.IsNull): the block holds no podRange.
        ["podRange null", { enablePrivateNodes: true, podRange: null }, "update"],
      ];
      for (const [what, block, action] of cases) {
        assert.strictEqual(
          diffPlans([networked()], [networked(block)], "m").changes[0].action,
          action,
          `added: ${what}`,
        );
        assert.strictEqual(
          diffPlans([networked(block)], [networked()], "m").changes[0].action,
          action,
          `removed: ${what}`,
        );
      }
      // A list of another length still replaces: guest_accelerator is ForceNew.
      const one = pool({
        name: "l4",
        nodeConfig: { machineType: "g2-standard-24", guestAccelerators: [{ type: "nvidia-l4", count: 1 }] },
      });
      const two = pool({
        name: "l4",
        nodeConfig: {
          machineType: "g2-standard-24",
          guestAccelerators: [
            { type: "nvidia-l4", count: 1 },
            { type: "nvidia-l4", count: 1 },
          ],
        },
      });
      assert.strictEqual(diffPlans([one], [two], "m").changes[0].action, "replace");
    });

    it("updates in place when an updatable block appears (autoscaling, node_config.gcfs_config)", () => {
      const scaled = base();
      scaled.inputs.autoscaling = { totalMinNodeCount: 0, totalMaxNodeCount: 4 };
      assert.strictEqual(diffPlans([base()], [scaled], "m").changes[0].action, "update");
      const streaming = base();
      (streaming.inputs.nodeConfig as Record<string, unknown>).gcfsConfig = { enabled: true };
      assert.strictEqual(diffPlans([base()], [streaming], "m").changes[0].action, "update");
    });
  });

  describe("errors and restarted workloads", () => {
    it("names the workloads replaced or deleted, and only kinds that run Pods", () => {
      const replaced = diffPlans([deployment({})], [deployment({ selector: { matchLabels: { app: "other" } } })], "m");
      assert.deepStrictEqual(replaced.disruption.podsRestarted, [
        { urn: deployment({}).urn, message: "Deployment serve is replaced" },
      ]);
      const deleted = diffPlans([deployment({})], [], "m");
      assert.deepStrictEqual(deleted.disruption.podsRestarted, [
        { urn: deployment({}).urn, message: "Deployment serve is deleted" },
      ]);
      const cm = resource("kubernetes:core/v1:ConfigMap", "cm", { metadata: { name: "cm" }, data: { a: "1" } });
      assert.deepStrictEqual(diffPlans([cm], [], "m").disruption.podsRestarted, []);
    });

    it("restarts Pods on a Pod template change only, naming the changed fields", () => {
      const labelled = diffPlans([deployment({})], [deployment({}, { labels: { tier: "gold" } })], "m");
      assert.strictEqual(labelled.changes[0].action, "update");
      assert.deepStrictEqual(labelled.disruption.podsRestarted, []);
      const next = deployment({
        template: { spec: { containers: [{ name: "c", image: "vllm:2" }], serviceAccountName: "serving" } },
        replicas: 3,
      });
      assert.deepStrictEqual(diffPlans([deployment({})], [next], "m").disruption.podsRestarted, [
        {
          urn: next.urn,
          message:
            "Deployment serve: Pod template changed (spec.template.spec.containers[0].image, spec.template.spec.serviceAccountName)",
        },
      ]);
      // An InferenceService's Pod templates are its components (KServe v1beta1 InferenceServiceSpec).
      const isvc = (image: string) =>
        resource("kubernetes:serving.kserve.io/v1beta1:InferenceService", "llm", {
          metadata: { name: "llm", namespace: "team-a" },
          spec: { predictor: { model: { storageUri: "gs://m", image } } },
        });
      assert.match(
        diffPlans([isvc("a")], [isvc("b")], "m").disruption.podsRestarted[0].message,
        /^InferenceService llm: Pod template changed \(spec\.predictor\.model\.image\)$/,
      );
    });

    it("reports a refused update for the immutable field only, with the object, the field, the rule and the fix", () => {
      const job = (runtime: string, suspend: boolean) =>
        resource("kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob", "job", {
          metadata: { name: "job", namespace: "team-a" },
          spec: { runtimeRef: { name: runtime }, suspend },
        });
      assert.deepStrictEqual(diffPlans([job("torch", false)], [job("torch", true)], "m").errors, []);
      const refused = diffPlans([job("torch", false)], [job("deepspeed", true)], "m").errors;
      assert.strictEqual(refused.length, 1);
      assert.match(
        refused[0].message,
        /^TrainJob job: the API refuses to change spec\.runtimeRef\.name in place \(trainer\.kubeflow\.org_trainjobs\.yaml[^)]*\)\); give the object a new name instead$/,
      );
    });

    it("names the forcing fields in a protected resource's replacement, and nothing extra for a deletion", () => {
      const b = (location: string, name = "acme") =>
        resource("gcp:storage/bucket:Bucket", "models", { name, location }, { retainOnDelete: true });
      const [replaced] = diffPlans([b("US")], [b("EU", "acme-eu")], "m").errors;
      assert.strictEqual(replaced.message, "Bucket models is protected and would be replaced (location, name changed)");
      const [deleted] = diffPlans([b("US")], [], "m").errors;
      assert.strictEqual(deleted.message, "Bucket models is protected and would be deleted");
    });
  });

  describe("drained GPU pools", () => {
    const gpu = { nodeConfig: { machineType: "g2-standard-24" } };
    const drained = (inputs: Record<string, unknown>, name?: string) =>
      diffPlans([pool(inputs, name)], [], "m").disruption.pools;

    it("counts nodes per zone times zones, or the pool's totals, as the node pool's fields say", () => {
      const cases: Array<[string, Record<string, unknown>, { idle: number; max: number }]> = [
        [
          "per-zone autoscaling, 2 zones",
          { nodeLocations: ["a", "b"], autoscaling: { minNodeCount: 1, maxNodeCount: 3 } },
          { idle: 2, max: 6 },
        ],
        [
          "total autoscaling",
          { nodeLocations: ["a", "b"], autoscaling: { totalMinNodeCount: 1, totalMaxNodeCount: 3 } },
          { idle: 1, max: 3 },
        ],
        ["node_count per zone, 3 zones", { nodeLocations: ["a", "b", "c"], nodeCount: 2 }, { idle: 6, max: 6 }],
        ["initial_node_count, the cluster's zone", { initialNodeCount: 3 }, { idle: 3, max: 3 }],
        [
          "autoscaling max only: min from node_count",
          { nodeCount: 1, autoscaling: { maxNodeCount: 4 } },
          { idle: 1, max: 4 },
        ],
        ["no count at all", {}, { idle: 0, max: 0 }],
      ];
      for (const [what, inputs, nodes] of cases) {
        const [p] = drained({ ...gpu, ...inputs });
        assert.deepStrictEqual(p.nodes, nodes, what);
        // g2-standard-24: 2 NVIDIA L4 per VM (Compute Engine "GPU machine types").
        assert.deepStrictEqual(p.gpus, { idle: nodes.idle * 2, max: nodes.max * 2 }, what);
      }
    });

    it("takes GPUs per node from the machine type, else the accelerators attached; a pool without GPUs is not listed", () => {
      const n1 = (accelerators: unknown[]) => ({
        nodeCount: 1,
        nodeConfig: { machineType: "n1-standard-16", guestAccelerators: accelerators },
      });
      assert.strictEqual(drained(n1([{ type: "nvidia-tesla-t4", count: 2 }]))[0].gpusPerNode, 2);
      assert.strictEqual(
        drained(
          n1([
            { type: "nvidia-tesla-t4", count: 2 },
            { type: "nvidia-tesla-t4", count: 1 },
          ]),
        )[0].gpusPerNode,
        3,
      );
      assert.strictEqual(
        drained({ nodeCount: 1, nodeConfig: { machineType: "a2-highgpu-2g", guestAccelerators: [{ count: 2 }] } })[0]
          .gpusPerNode,
        2,
      );
      assert.deepStrictEqual(drained(n1([])), []);
      assert.deepStrictEqual(drained({ nodeCount: 1, nodeConfig: { machineType: "n1-standard-16" } }), []);
      assert.deepStrictEqual(drained({ nodeCount: 1 }), []);
      assert.deepStrictEqual(drained(n1([{ type: "nvidia-tesla-t4", count: "[unknown]" }])), []);
    });

    it("names the pool by its GKE name, else the resource's, and marks it in use when the base plan selects it", () => {
      const [named] = drained({ ...gpu, name: "gpu-l4", nodeCount: 1 });
      assert.deepStrictEqual([named.pool, named.action, named.inUse], ["gpu-l4", "delete", false]);
      assert.strictEqual(drained({ ...gpu, nodeCount: 1 }, "l4-pool")[0].pool, "l4-pool");
      const affinity = resource("kubernetes:ray.io/v1:RayCluster", "ray", {
        spec: {
          workerGroupSpecs: [
            {
              template: {
                spec: {
                  affinity: {
                    nodeAffinity: {
                      requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [
                          { matchExpressions: [{ key: POOL_LABEL, operator: "In", values: ["gpu-l4"] }] },
                        ],
                      },
                    },
                  },
                },
              },
            },
          ],
        },
      });
      const l4 = pool({ ...gpu, name: "gpu-l4", nodeCount: 2 });
      const diff = diffPlans([l4, affinity], [affinity], "m");
      assert.strictEqual(diff.disruption.pools[0].inUse, true);
      assert.strictEqual(diff.disruption.gpusDrained, 4);
    });

    it("reads the node pools a plan's Kubernetes objects select: nodeSelector, node affinity, in lists", () => {
      const selecting = resource("kubernetes:ray.io/v1:RayCluster", "ray", {
        spec: {
          workerGroupSpecs: [
            { template: { spec: { nodeSelector: { [POOL_LABEL]: "gpu-a" } } } },
            {
              template: {
                spec: {
                  affinity: {
                    nodeAffinity: {
                      requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [
                          {
                            matchExpressions: [
                              { key: POOL_LABEL, operator: "In", values: ["gpu-b", "gpu-c"] },
                              { key: "cloud.google.com/gke-spot", operator: "In", values: ["true"] },
                            ],
                          },
                        ],
                      },
                    },
                  },
                },
              },
            },
          ],
        },
      });
      assert.deepStrictEqual([...selectedPools([selecting])].sort(), ["gpu-a", "gpu-b", "gpu-c"]);
      // A Google resource that mentions the label selects nothing: only Kubernetes objects schedule Pods.
      const alert = resource("gcp:monitoring/alertPolicy:AlertPolicy", "a", { userLabels: { [POOL_LABEL]: "gpu-x" } });
      assert.deepStrictEqual([...selectedPools([alert])], []);
    });
  });
});
