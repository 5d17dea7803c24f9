import * as assert from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { HELM_CHARTS } from "../../components/catalog/software";
import { TeamNamespace } from "../../components/tenancy/team-namespace";
import {
  type GpuFlavor,
  Kueue,
  type KueueArgs,
  kueueFrameworks,
  kueueManagerConfig,
  LOCAL_QUEUE,
  PRIORITY_CLASSES,
  PRIORITY_LABEL,
  QUEUE_LABEL,
  resolveKueueArgs,
} from "../../components/training/kueue";
import { checkObjects, type KubernetesObject } from "../../scripts/lib/conformance";
import { ProgramError, type RunResult } from "../../scripts/lib/engine";
import { manifestsOf } from "../../scripts/lib/manifests";
import { planFromRun } from "../../scripts/lib/plan-document";
import type { RecordedResource } from "../../scripts/lib/recording-monitor";
import { crdIndex } from "../helpers/conformance";
import {
  assertDependsOnReachesChildren,
  assertOciChart,
  expectedPodSecurityLabels,
} from "../helpers/kubernetes-checks";
import { all, input, kubernetesLabels, one, run, STACK_LABELS } from "../helpers/run";

const COMPONENT = "cnai:training:Kueue";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const CHART = "kubernetes:helm.sh/v4:Chart";
const PROVIDER = "pulumi:providers:kubernetes";
const KUEUE = "kubernetes:kueue.x-k8s.io/v1beta2";
const PRIORITY_CLASS = `${KUEUE}:WorkloadPriorityClass`;
const COHORT = `${KUEUE}:Cohort`;
const FLAVOR = `${KUEUE}:ResourceFlavor`;
const CLUSTER_QUEUE = `${KUEUE}:ClusterQueue`;
const LOCAL_QUEUE_TYPE = `${KUEUE}:LocalQueue`;
const QUEUE_TYPES = [COHORT, FLAVOR, CLUSTER_QUEUE, LOCAL_QUEUE_TYPE];

const SUSTAINABILITY = { workloadType: "training", shiftable: true, carbonTier: "low" } as const;
const PLATFORM_LABELS = kubernetesLabels("kueue");
const CR_LABELS = {
  ...PLATFORM_LABELS,
  "cnai.dev/workload-type": "training",
  "cnai.dev/shiftable": "true",
  "cnai.dev/carbon-tier": "low",
};

const H100: GpuFlavor = { nodePool: "gpu-h100", gpus: 16, cpu: 374, memoryGi: 3182 };
const L4: GpuFlavor = { nodePool: "gpu-l4", gpus: 4, cpu: 30, memoryGi: 120 };

/** The frameworks of the kueue chart's default manager config (kubernetes-sigs/kueue v0.19.2 charts/kueue/values.yaml). */
const CHART_FRAMEWORKS = [
  "batch/job",
  "kubeflow.org/mpijob",
  "ray.io/rayjob",
  "ray.io/rayservice",
  "ray.io/raycluster",
  "jobset.x-k8s.io/jobset",
  "workload.codeflare.dev/appwrapper",
  "trainer.kubeflow.org/trainjob",
  "pod",
  "deployment",
  "statefulset",
  "leaderworkerset.x-k8s.io/leaderworkerset",
];

function args(overrides: Partial<KueueArgs> = {}): KueueArgs {
  return {
    labels: STACK_LABELS,
    sustainability: SUSTAINABILITY,
    flavors: [H100, L4],
    teamNamespaces: ["team-vision", "team-nlp"],
    ...overrides,
  };
}

/** Runs Kueue with its own Kubernetes provider, passed as `providers`. */
function kueue(overrides: Partial<KueueArgs> = {}): Promise<RunResult> {
  return run(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    const q = new Kueue("kueue", args(overrides), { providers: { kubernetes: provider } });
    return { clusterQueue: q.clusterQueue, localQueue: q.localQueue };
  });
}

const metadata = (resource: RecordedResource) => resource.inputs.metadata as Record<string, unknown>;
/** A custom resource by kind and Kubernetes name (and namespace), whatever its registration order. */
function cr(result: RunResult, type: string, name: string, namespace?: string): RecordedResource {
  const found = all(result, type).filter((r) => metadata(r).name === name && metadata(r).namespace === namespace);
  assert.strictEqual(
    found.length,
    1,
    `expected one ${type} ${namespace ? `${namespace}/` : ""}${name}, found ${found.length}`,
  );
  return found[0];
}
const managerConfig = (chart: RecordedResource) =>
  parse(String(input(chart, "values.managerConfig.controllerManagerConfigYaml"))) as Record<string, unknown>;
const customResources = (result: RunResult) => result.resources.filter((r) => r.type.startsWith(`${KUEUE}:`));

describe("Kueue", () => {
  describe("defaults", () => {
    it("creates the kueue-system namespace with the platform labels and Pod Security restricted", async () => {
      const ns = one(await kueue(), NAMESPACE);
      assert.deepStrictEqual(ns.inputs.metadata, {
        name: "kueue-system",
        labels: {
          ...PLATFORM_LABELS,
          ...expectedPodSecurityLabels("restricted"),
        },
      });
      assert.strictEqual(HELM_CHARTS.kueue.namespace, "kueue-system");
    });

    it("installs the pinned kueue chart from its OCI reference, as release kueue in kueue-system, after the namespace", async () => {
      const result = await kueue();
      const chart = assertOciChart(result, {
        chart: "oci://registry.k8s.io/kueue/charts/kueue",
        version: HELM_CHARTS.kueue.version,
        namespace: "kueue-system",
        release: "kueue",
      });
      assert.strictEqual(HELM_CHARTS.kueue.chart, "oci://registry.k8s.io/kueue/charts/kueue");
      assert.deepStrictEqual(Object.keys(input(chart, "values") as object), ["managerConfig"]);
    });

    it("gives the chart a manager config that parses as YAML and manages TrainJobs and PyTorchJobs", async () => {
      const config = managerConfig(one(await kueue(), CHART));
      const frameworks = (config.integrations as { frameworks: string[] }).frameworks;
      assert.ok(frameworks.includes("trainer.kubeflow.org/trainjob"));
      assert.ok(frameworks.includes("kubeflow.org/pytorchjob"));
      assert.deepStrictEqual([...frameworks].sort(), [...CHART_FRAMEWORKS, "kubeflow.org/pytorchjob"].sort());
      assert.strictEqual(new Set(frameworks).size, frameworks.length, "no framework twice");
    });

    it("restates the chart's other defaults (v0.19.2), since the config replaces the chart's whole", async () => {
      const { integrations, waitForPodsReady, ...rest } = managerConfig(one(await kueue(), CHART));
      assert.ok(integrations && waitForPodsReady);
      assert.deepStrictEqual(rest, {
        apiVersion: "config.kueue.x-k8s.io/v1beta2",
        kind: "Configuration",
        health: { healthProbeBindAddress: ":8081" },
        metrics: { bindAddress: ":8443" },
        webhook: { port: 9443 },
        leaderElection: { leaderElect: true, resourceName: "c1f6bfd2.kueue.x-k8s.io" },
        controller: {
          groupKindConcurrency: {
            "Job.batch": 5,
            Pod: 5,
            "Workload.kueue.x-k8s.io": 10,
            "LocalQueue.kueue.x-k8s.io": 5,
            "ClusterQueue.kueue.x-k8s.io": 5,
            "ResourceFlavor.kueue.x-k8s.io": 1,
          },
        },
        clientConnection: { qps: 300, burst: 500 },
      });
    });

    it("evicts and requeues a gang whose Pods are not all ready, with exponential backoff and a limit (v1beta2 field names)", async () => {
      // kubernetes-sigs/kueue v0.19.2 apis/config/v1beta2/configuration_types.go WaitForPodsReady and
      // RequeuingStrategy: timeout, recoveryTimeout, blockAdmission, requeuingStrategy.{timestamp,
      // backoffLimitCount, backoffBaseSeconds, backoffMaxSeconds}; timestamp Eviction or Creation.
      const { waitForPodsReady } = managerConfig(one(await kueue(), CHART));
      assert.deepStrictEqual(waitForPodsReady, {
        timeout: "30m",
        recoveryTimeout: "10m",
        blockAdmission: false,
        requeuingStrategy: {
          timestamp: "Eviction",
          backoffLimitCount: 10,
          backoffBaseSeconds: 60,
          backoffMaxSeconds: 1800,
        },
      });
    });

    it("creates the three WorkloadPriorityClasses: cnai-high 1000, cnai-standard 500, cnai-low 100", async () => {
      const result = await kueue();
      assert.strictEqual(all(result, PRIORITY_CLASS).length, 3);
      for (const [name, value] of [
        ["cnai-high", 1000],
        ["cnai-standard", 500],
        ["cnai-low", 100],
      ] as const) {
        const pc = cr(result, PRIORITY_CLASS, name);
        assert.strictEqual(input(pc, "value"), value, name);
        assert.strictEqual(input(pc, "description"), PRIORITY_CLASSES.find((p) => p.name === name)?.description);
        assert.ok(String(input(pc, "description")).length > 0);
        assert.strictEqual(
          input(pc, "spec"),
          undefined,
          "a WorkloadPriorityClass has value and description at the top level",
        );
      }
    });

    it("creates the cohort cnai", async () => {
      const cohort = cr(await kueue(), COHORT, "cnai");
      assert.deepStrictEqual(input(cohort, "spec"), {});
    });

    it("creates a ResourceFlavor per GPU pool: the pool's node label and a toleration of the GPU taint", async () => {
      const result = await kueue();
      assert.strictEqual(all(result, FLAVOR).length, 2);
      for (const pool of ["gpu-h100", "gpu-l4"]) {
        assert.deepStrictEqual(input(cr(result, FLAVOR, pool), "spec"), {
          nodeLabels: { "cloud.google.com/gke-nodepool": pool },
          tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
        });
      }
    });

    it("creates the gpu-workloads ClusterQueue in the cohort, for team namespaces, with preemption", async () => {
      const result = await kueue();
      assert.strictEqual(all(result, CLUSTER_QUEUE).length, 1);
      const queue = cr(result, CLUSTER_QUEUE, "gpu-workloads");
      assert.strictEqual(input(queue, "spec.cohortName"), "cnai");
      assert.deepStrictEqual(input(queue, "spec.namespaceSelector"), {
        matchLabels: { "cnai.dev/component": "team-namespace" },
      });
      assert.strictEqual(input(queue, "spec.queueingStrategy"), "BestEffortFIFO");
      assert.deepStrictEqual(input(queue, "spec.preemption"), {
        withinClusterQueue: "LowerPriority",
        reclaimWithinCohort: "Any",
        borrowWithinCohort: { policy: "LowerPriority", maxPriorityThreshold: 500 },
      });
    });

    it("admits the namespaces TeamNamespace creates: its selector matches their labels", async () => {
      const result = await run(() => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
        const identities = {
          training: "t@acme-test.iam.gserviceaccount.com",
          serving: "s@acme-test.iam.gserviceaccount.com",
          pipelines: "p@acme-test.iam.gserviceaccount.com",
        };
        const team = new TeamNamespace(
          "vision",
          { labels: STACK_LABELS, team: "vision", workloadIdentities: identities },
          { providers: { kubernetes: provider } },
        );
        new Kueue("kueue", args({ teamNamespaces: [team.namespace] }), { providers: { kubernetes: provider } });
      });
      const selector = input(
        cr(result, CLUSTER_QUEUE, "gpu-workloads"),
        "spec.namespaceSelector.matchLabels",
      ) as Record<string, string>;
      const teamNs = all(result, NAMESPACE).find((ns) => metadata(ns).name === "team-vision");
      assert.ok(teamNs, "the team namespace exists");
      const labels = metadata(teamNs).labels as Record<string, string>;
      for (const [key, value] of Object.entries(selector))
        assert.strictEqual(labels[key], value, `team-vision carries ${key}=${value}`);
      cr(result, LOCAL_QUEUE_TYPE, "team-queue", "team-vision");
    });

    it("gives the ClusterQueue nominal quotas of cpu, memory and nvidia.com/gpu per flavor", async () => {
      const queue = cr(await kueue(), CLUSTER_QUEUE, "gpu-workloads");
      assert.deepStrictEqual(input(queue, "spec.resourceGroups"), [
        {
          coveredResources: ["cpu", "memory", "nvidia.com/gpu"],
          flavors: [
            {
              name: "gpu-h100",
              resources: [
                { name: "cpu", nominalQuota: "374" },
                { name: "memory", nominalQuota: "3182Gi" },
                { name: "nvidia.com/gpu", nominalQuota: "16" },
              ],
            },
            {
              name: "gpu-l4",
              resources: [
                { name: "cpu", nominalQuota: "30" },
                { name: "memory", nominalQuota: "120Gi" },
                { name: "nvidia.com/gpu", nominalQuota: "4" },
              ],
            },
          ],
        },
      ]);
    });

    it("creates a LocalQueue team-queue into the ClusterQueue in each team namespace", async () => {
      const result = await kueue();
      assert.strictEqual(all(result, LOCAL_QUEUE_TYPE).length, 2);
      assert.strictEqual(LOCAL_QUEUE, "team-queue");
      for (const namespace of ["team-vision", "team-nlp"]) {
        const lq = cr(result, LOCAL_QUEUE_TYPE, "team-queue", namespace);
        assert.deepStrictEqual(input(lq, "spec"), { clusterQueue: "gpu-workloads" });
      }
      assert.strictEqual(result.outputs.clusterQueue, "gpu-workloads");
      assert.strictEqual(result.outputs.localQueue, "team-queue");
    });

    it("makes every custom resource kueue.x-k8s.io/v1beta2, cluster-scoped but for LocalQueues, with the governance and sustainability labels", async () => {
      const result = await kueue();
      const crs = customResources(result);
      assert.strictEqual(crs.length, 3 + 1 + 2 + 1 + 2);
      for (const object of crs) {
        assert.strictEqual(input(object, "apiVersion"), "kueue.x-k8s.io/v1beta2", object.name);
        assert.deepStrictEqual(metadata(object).labels, CR_LABELS, object.name);
        const namespaced = input(object, "kind") === "LocalQueue";
        assert.strictEqual(
          metadata(object).namespace !== undefined,
          namespaced,
          `${object.name}: only LocalQueues are namespaced`,
        );
      }
    });

    it("makes every custom resource wait for the chart (its CRDs and webhooks), through the given provider, parented to the component", async () => {
      const result = await kueue();
      const chart = one(result, CHART);
      const provider = one(result, PROVIDER);
      const component = one(result, COMPONENT, "kueue");
      for (const object of result.resources.filter((r) => r.type.startsWith("kubernetes:"))) {
        assert.strictEqual(object.parent, component.urn, `${object.name} is a child of the component`);
        assert.ok(
          object.provider?.startsWith(`${provider.urn}::`),
          `${object.name} uses the given provider (got ${object.provider})`,
        );
      }
      for (const object of customResources(result)) {
        assert.ok(object.options.dependsOn.includes(chart.urn), `${object.name} depends on the chart`);
      }
    });

    it("declares custom resources that validate against the upstream Kueue CRDs", async function () {
      const objects = manifestsOf(planFromRun(await kueue())).map((m) => m.object as KubernetesObject);
      const report = await checkObjects(objects, crdIndex(this));
      assert.deepStrictEqual(report.problems, []);
      assert.strictEqual(report.customResources, 9);
      assert.strictEqual(report.coreObjects, 1);
    });

    it("resolves the documented defaults", () => {
      assert.deepStrictEqual(resolveKueueArgs("kueue", args()), {
        cohort: "cnai",
        clusterQueue: "gpu-workloads",
        pytorchJobs: true,
        controllerReplicas: 1,
      });
    });

    it("runs one controller without a budget by default; with more, the chart's budget keeps one fewer available", async () => {
      const values = async (controllerReplicas?: number) =>
        (await kueue({ controllerReplicas })).resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart")!.inputs
          .values as Record<string, unknown>;
      assert.strictEqual((await values()).controllerManager, undefined);
      assert.deepStrictEqual((await values(2)).controllerManager, {
        replicas: 2,
        podDisruptionBudget: { enabled: true, minAvailable: 1 },
      });
    });

    it("exports the labels jobs use to pick a queue and a priority", () => {
      assert.strictEqual(QUEUE_LABEL, "kueue.x-k8s.io/queue-name");
      assert.strictEqual(PRIORITY_LABEL, "kueue.x-k8s.io/priority-class");
      assert.deepStrictEqual(
        PRIORITY_CLASSES.map((p) => [p.name, p.value]),
        [
          ["cnai-high", 1000],
          ["cnai-standard", 500],
          ["cnai-low", 100],
        ],
      );
    });
  });

  describe("options", () => {
    it("pytorchJobs: false leaves PyTorchJob out of the frameworks, and keeps the chart's", async () => {
      const config = managerConfig(one(await kueue({ pytorchJobs: false }), CHART));
      const frameworks = (config.integrations as { frameworks: string[] }).frameworks;
      assert.ok(!frameworks.includes("kubeflow.org/pytorchjob"));
      assert.ok(frameworks.includes("trainer.kubeflow.org/trainjob"));
      assert.deepStrictEqual([...frameworks].sort(), [...CHART_FRAMEWORKS].sort());
    });

    it("the manager config lists the chart's frameworks, with PyTorchJob exactly when asked", () => {
      for (const pytorchJobs of [true, false]) {
        const config = parse(kueueManagerConfig(pytorchJobs)) as { integrations: { frameworks: string[] } };
        const expected = [...CHART_FRAMEWORKS, ...(pytorchJobs ? ["kubeflow.org/pytorchjob"] : [])].sort();
        assert.deepStrictEqual([...config.integrations.frameworks].sort(), expected);
        assert.deepStrictEqual([...kueueFrameworks(pytorchJobs)].sort(), expected);
      }
    });

    it("cohort and clusterQueue rename the Cohort and the ClusterQueue, and the LocalQueues point at it", async () => {
      const result = await kueue({ cohort: "research", clusterQueue: "h100-queue" });
      cr(result, COHORT, "research");
      const queue = cr(result, CLUSTER_QUEUE, "h100-queue");
      assert.strictEqual(input(queue, "spec.cohortName"), "research");
      for (const namespace of ["team-vision", "team-nlp"]) {
        assert.deepStrictEqual(input(cr(result, LOCAL_QUEUE_TYPE, "team-queue", namespace), "spec"), {
          clusterQueue: "h100-queue",
        });
      }
      assert.strictEqual(result.outputs.clusterQueue, "h100-queue");
    });

    it("no flavors: only the chart and the priority classes; no Cohort, ResourceFlavor, ClusterQueue or LocalQueue", async () => {
      const result = await kueue({ flavors: [] });
      one(result, CHART);
      assert.strictEqual(all(result, PRIORITY_CLASS).length, 3);
      for (const type of QUEUE_TYPES) assert.strictEqual(all(result, type).length, 0, `no ${type}`);
    });

    it("no team namespaces: the ClusterQueue without LocalQueues", async () => {
      const result = await kueue({ teamNamespaces: [] });
      cr(result, CLUSTER_QUEUE, "gpu-workloads");
      assert.strictEqual(all(result, LOCAL_QUEUE_TYPE).length, 0);
    });

    it("a flavor's name defaults to its node pool; a name of its own keeps the flavor while its pool changes (a pool's next generation)", async () => {
      const result = await kueue({ flavors: [{ ...L4, nodePool: "gpu-l4-g2", name: "gpu-l4" }] });
      const flavor = cr(result, FLAVOR, "gpu-l4");
      assert.deepStrictEqual(input(flavor, "spec.nodeLabels"), { "cloud.google.com/gke-nodepool": "gpu-l4-g2" });
      const flavors = input(cr(result, CLUSTER_QUEUE, "gpu-workloads"), "spec.resourceGroups.0.flavors") as Array<{
        name: string;
      }>;
      assert.deepStrictEqual(
        flavors.map((f) => f.name),
        ["gpu-l4"],
      );
      assert.deepStrictEqual(
        all(await kueue({ flavors: [L4] }), FLAVOR).map((r) => input(r, "metadata.name")),
        ["gpu-l4"],
      );
    });

    it("one flavor gives one flavor in the ClusterQueue", async () => {
      const result = await kueue({ flavors: [L4] });
      assert.strictEqual(all(result, FLAVOR).length, 1);
      const flavors = input(cr(result, CLUSTER_QUEUE, "gpu-workloads"), "spec.resourceGroups.0.flavors") as Array<{
        name: string;
      }>;
      assert.deepStrictEqual(
        flavors.map((f) => f.name),
        ["gpu-l4"],
      );
    });

    it("the sustainability labels follow the args", async () => {
      const result = await kueue({
        sustainability: { workloadType: "training", shiftable: false, carbonTier: "high" },
      });
      for (const object of customResources(result)) {
        const labels = metadata(object).labels as Record<string, string>;
        assert.strictEqual(labels["cnai.dev/shiftable"], "false", object.name);
        assert.strictEqual(labels["cnai.dev/carbon-tier"], "high", object.name);
      }
    });

    it("the component's dependsOn reaches every child", async () => {
      await assertDependsOnReachesChildren(COMPONENT, (opts) => {
        new Kueue("kueue", args(), opts);
      });
    });

    it("keeps inference pools out of the ClusterQueue: a training job without a node selector cannot take serving capacity", async () => {
      const result = await kueue({ flavors: [H100, { ...L4, workloadType: "inference" }] });
      const queue = cr(result, CLUSTER_QUEUE, "gpu-workloads");
      const flavors = (
        input(queue, "spec.resourceGroups") as Array<{ flavors: Array<{ name: string }> }>
      )[0].flavors.map((f) => f.name);
      assert.deepStrictEqual(flavors, ["gpu-h100"]);
      assert.strictEqual(all(result, FLAVOR).length, 1, "no flavor for the serving pool");
      const servingOnly = await kueue({ flavors: [{ ...L4, workloadType: "inference" }] });
      assert.strictEqual(all(servingOnly, CLUSTER_QUEUE).length, 0);
      assert.strictEqual(servingOnly.outputs.clusterQueue, undefined);
    });

    it("gates queued-provisioning flavors with Kueue's ProvisioningRequest admission check (GKE's queued-provisioning.gke.io class), validating against the CRDs", async function () {
      const result = await kueue({ flavors: [{ ...H100, queuedProvisioning: true }, L4] });
      assert.deepStrictEqual(input(cr(result, `${KUEUE}:ProvisioningRequestConfig`, "cnai-dws-queued"), "spec"), {
        provisioningClassName: "queued-provisioning.gke.io",
        managedResources: ["nvidia.com/gpu"],
      });
      assert.deepStrictEqual(input(cr(result, `${KUEUE}:AdmissionCheck`, "cnai-dws-queued"), "spec"), {
        controllerName: "kueue.x-k8s.io/provisioning-request",
        parameters: { apiGroup: "kueue.x-k8s.io", kind: "ProvisioningRequestConfig", name: "cnai-dws-queued" },
      });
      assert.deepStrictEqual(input(cr(result, CLUSTER_QUEUE, "gpu-workloads"), "spec.admissionChecksStrategy"), {
        admissionChecks: [{ name: "cnai-dws-queued", onFlavors: ["gpu-h100"] }],
      });
      // Kueue gives the admitted Pods the flavor's tolerations: GKE taints queued nodes cloud.google.com/gke-queued=true:NoSchedule.
      assert.deepStrictEqual(input(cr(result, FLAVOR, "gpu-h100"), "spec.tolerations"), [
        { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
        { key: "cloud.google.com/gke-queued", operator: "Equal", value: "true", effect: "NoSchedule" },
      ]);
      assert.deepStrictEqual(input(cr(result, FLAVOR, "gpu-l4"), "spec.tolerations"), [
        { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      ]);
      const report = await checkObjects(
        manifestsOf(planFromRun(result)).map((m) => m.object as KubernetesObject),
        crdIndex(this),
      );
      assert.deepStrictEqual(report.problems, []);
      const none = await kueue();
      assert.strictEqual(all(none, `${KUEUE}:AdmissionCheck`).length, 0);
      assert.strictEqual(input(cr(none, CLUSTER_QUEUE, "gpu-workloads"), "spec.admissionChecksStrategy"), undefined);
    });

    it("custom resources still validate with renamed queues and one flavor", async function () {
      const result = await kueue({
        cohort: "research",
        clusterQueue: "h100-queue",
        flavors: [H100],
        pytorchJobs: false,
      });
      const report = await checkObjects(
        manifestsOf(planFromRun(result)).map((m) => m.object as KubernetesObject),
        crdIndex(this),
      );
      assert.deepStrictEqual(report.problems, []);
    });
  });

  describe("validation", () => {
    const refuses = (overrides: Partial<KueueArgs>, message: RegExp) => async () => {
      await assert.rejects(kueue(overrides), (error: ProgramError) => {
        assert.ok(error instanceof ProgramError, "expected the program to fail");
        assert.match(error.message, /^Kueue "kueue": /);
        assert.match(error.message, message);
        assert.strictEqual(
          error.resources.filter((r) => r.type.startsWith("kubernetes:")).length,
          0,
          "no Kubernetes object or chart is created",
        );
        return true;
      });
    };

    it(
      "refuses the same node pool twice",
      refuses({ flavors: [H100, { ...L4, nodePool: "gpu-h100" }] }, /flavors: node pool gpu-h100 appears twice/),
    );
    it(
      "refuses negative GPUs",
      refuses(
        { flavors: [{ ...H100, gpus: -1 }] },
        /flavors\[gpu-h100\]\.gpus must be a whole number, at least 0 \(got -1\)/,
      ),
    );
    it(
      "refuses fractional GPUs",
      refuses(
        { flavors: [{ ...H100, gpus: 0.5 }] },
        /flavors\[gpu-h100\]\.gpus must be a whole number, at least 0 \(got 0\.5\)/,
      ),
    );
    it(
      "refuses negative CPUs",
      refuses(
        { flavors: [{ ...L4, cpu: -2 }] },
        /flavors\[gpu-l4\]\.cpu must be a whole number, at least 0 \(got -2\)/,
      ),
    );
    it(
      "refuses fractional memory",
      refuses(
        { flavors: [{ ...L4, memoryGi: 7.5 }] },
        /flavors\[gpu-l4\]\.memoryGi must be a whole number, at least 0 \(got 7\.5\)/,
      ),
    );

    it("accepts a flavor of zero GPUs (a pool scaled to nothing)", async () => {
      const result = await kueue({ flavors: [{ ...L4, gpus: 0 }] });
      const resources = input(
        cr(result, CLUSTER_QUEUE, "gpu-workloads"),
        "spec.resourceGroups.0.flavors.0.resources",
      ) as Array<{ name: string; nominalQuota: string }>;
      assert.strictEqual(resources.find((r) => r.name === "nvidia.com/gpu")?.nominalQuota, "0");
    });

    it("resolveKueueArgs throws a ResourceError naming the component, without a cluster", () => {
      assert.throws(
        () => resolveKueueArgs("kueue", args({ flavors: [{ ...H100, cpu: Number.NaN }] })),
        (error: Error) => {
          assert.ok(error instanceof pulumi.ResourceError);
          assert.strictEqual(
            error.message,
            'Kueue "kueue": flavors[gpu-h100].cpu must be a whole number, at least 0 (got NaN)',
          );
          return true;
        },
      );
    });
  });
});

describe("Kueue: the CPU flavor for Ray", () => {
  it("puts CPU-only pod sets on the CPU pool's flavor, first in the ClusterQueue and without GPU quota", async () => {
    const result = await kueue({ cpuFlavor: { nodePool: "system", cpu: 9, memoryGi: 36 } });
    assert.deepStrictEqual(cr(result, FLAVOR, "system").inputs.spec, {
      nodeLabels: { "cloud.google.com/gke-nodepool": "system" },
    });
    const flavors = (
      cr(result, CLUSTER_QUEUE, "gpu-workloads").inputs.spec as { resourceGroups: { flavors: unknown[] }[] }
    ).resourceGroups[0].flavors;
    assert.deepStrictEqual(flavors[0], {
      name: "system",
      resources: [
        { name: "cpu", nominalQuota: "9" },
        { name: "memory", nominalQuota: "36Gi" },
        { name: "nvidia.com/gpu", nominalQuota: "0" },
      ],
    });
    assert.ok(flavors.length > 1, "the GPU flavors follow");
  });

  it("manages RayJobs and RayClusters (ray.io integrations in the manager config)", async () => {
    const config = managerConfig(one(await kueue(), CHART)) as { integrations: { frameworks: string[] } };
    assert.ok(config.integrations.frameworks.includes("ray.io/rayjob"));
    assert.ok(config.integrations.frameworks.includes("ray.io/raycluster"));
  });
});
