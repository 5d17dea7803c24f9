import * as assert from "node:assert";
import { gkeAllocatable } from "../../../components/catalog/gke-nodes";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import { podAmounts } from "../../../policies/lib/analysis/workloads/pod-resources";
import { nodeShapes } from "../../../policies/lib/analysis/workloads/scheduling/node-shapes";
import { planOf } from "../../helpers/policy";
import { container, daemonSet, deployment, K8S, namespace, nodePool, problems, simulate, workload } from "./fixtures";

const GPU_TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" };
const Gi = 2 ** 30;
const Mi = 2 ** 20;
const shapesOf = (...pools: ReturnType<typeof nodePool>[]) => nodeShapes(indexCluster(planOf(pools).resources)).shapes;

describe("workload simulation: node shapes and scheduling", () => {
  describe("node shapes (GKE plan-node-sizes, GPU, time-sharing and MIG docs)", () => {
    it("keeps GKE's CPU and memory reservations off a node: the GKE page's e2-standard-4 has 3920m and 13498416Ki allocatable", () => {
      // cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes, "Check allocatable resources on a node".
      assert.strictEqual(gkeAllocatable(4, 16, false).cpuMilli, 3920);
      assert.ok(
        Math.abs(gkeAllocatable(4, 16, false).memoryBytes - 13498416 * 1024) < 1024,
        String(gkeAllocatable(4, 16, false).memoryBytes),
      );
      // The tiers apply to the kernel-visible capacity (97.02 % of nominal on the page's node), not the nominal memory.
      const capacity = (gi: number) => gi * (16277102.2 / 16777216);
      // a3-highgpu-8g: 208 vCPUs, 1872 GiB; 2 % above 128 GiB.
      const h100 = gkeAllocatable(208, 1872, false);
      assert.strictEqual(h100.cpuMilli, 208000 - (60 + 10 + 10 + 2.5 * 204));
      const c = capacity(1872);
      assert.strictEqual(
        h100.memoryBytes,
        Math.floor(c * Gi - (1 + 0.8 + 0.8 + 0.06 * 112 + 0.02 * (c - 128)) * Gi - 100 * Mi),
      );
      // Image streaming: 1 % of 4 GiB + 0.8 % of 4 GiB + 0.4 % of 8 GiB + 0.24 % above 16 GiB, more.
      const c48 = capacity(48);
      assert.strictEqual(
        gkeAllocatable(12, 48, true).memoryBytes,
        Math.floor(
          c48 * Gi -
            (1 + 0.8 + 0.8 + 0.06 * (c48 - 16)) * Gi -
            (0.04 + 0.032 + 0.032 + 0.0024 * (c48 - 16)) * Gi -
            100 * Mi,
        ),
      );
    });

    it("labels GPU nodes with the pool, accelerator, spot, MIG partition and sharing, taints them, and counts the nvidia.com/gpu they offer", () => {
      const [l4, mig, h100] = shapesOf(
        nodePool("l4", {
          machineType: "g2-standard-8",
          gpus: {
            type: "nvidia-l4",
            count: 1,
            sharing: { gpuSharingStrategy: "TIME_SHARING", maxSharedClientsPerGpu: 4 },
          },
          spot: true,
        }),
        nodePool("mig", {
          machineType: "a2-highgpu-1g",
          gpus: { type: "nvidia-tesla-a100", count: 1, partition: "3g.20gb" },
          taints: [GPU_TAINT],
        }),
        nodePool("h100", {
          machineType: "a3-highgpu-8g",
          gpus: { type: "nvidia-h100-80gb", count: 8, partition: "1g.20gb" },
          queued: true,
        }),
      );
      assert.deepStrictEqual(
        [
          l4.labels["cloud.google.com/gke-nodepool"],
          l4.labels["cloud.google.com/gke-accelerator"],
          l4.labels["cloud.google.com/gke-spot"],
          l4.labels["cloud.google.com/gke-gpu-sharing-strategy"],
          l4.labels["cloud.google.com/gke-max-shared-clients-per-gpu"],
        ],
        ["l4", "nvidia-l4", "true", "time-sharing", "4"],
      );
      assert.strictEqual(l4.allocatable["nvidia.com/gpu"], 4, "one L4 shared by 4 clients");
      assert.strictEqual(mig.labels["cloud.google.com/gke-gpu-partition-size"], "3g.20gb");
      assert.strictEqual(mig.allocatable["nvidia.com/gpu"], 2, "an A100 40GB holds two 3g.20gb instances");
      assert.strictEqual(
        h100.allocatable["nvidia.com/gpu"],
        32,
        "an H100 holds four 1g.20gb instances (NVIDIA MIG guide), not seven",
      );
      assert.deepStrictEqual(
        l4.taints,
        [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }],
        "GKE taints GPU nodes even when the pool does not",
      );
      assert.deepStrictEqual(mig.taints, [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }]);
      assert.deepStrictEqual(
        h100.taints.map((t) => t.key),
        ["nvidia.com/gpu", "cloud.google.com/gke-queued"],
      );
      assert.strictEqual(h100.queued, true);
    });
  });

  describe("Pod requests (k8s.io/component-helpers/resource/helpers.go PodRequests; KEP-753 sidecars)", () => {
    it("counts the larger of the app containers plus sidecars and any init container with the sidecars started before it", () => {
      const spec = {
        initContainers: [
          { name: "sidecar", restartPolicy: "Always", resources: { requests: { cpu: "500m" } } },
          { name: "init", resources: { requests: { cpu: "2", memory: "1Gi" } } },
        ],
        containers: [{ name: "app", resources: { requests: { cpu: "1", memory: "2Gi" } } }],
      };
      // app + sidecar = 1.5 CPU; init while the sidecar runs = 2.5 CPU; memory: max(2Gi, 1Gi).
      assert.deepStrictEqual(podAmounts(spec, "requests"), { cpu: 2500, memory: 2 * Gi });
    });
  });

  describe("placement on the pools at their maximum size (kube-scheduler NodeAffinity, TaintToleration, NodeResourcesFit; cluster-autoscaler max)", () => {
    const pools = [
      nodePool("system", { machineType: "e2-standard-8", max: 3 }),
      nodePool("gpu-l4", {
        machineType: "g2-standard-12",
        gpus: { type: "nvidia-l4", count: 1 },
        max: 2,
        taints: [GPU_TAINT],
      }),
      namespace("team"),
    ];

    it("lands a Pod where its selector, tolerations and requests allow, and says where", () => {
      const w = workload(
        simulate([
          ...pools,
          deployment("team", "web", { containers: [container({ requests: { cpu: "1" } })] }, { replicas: 2 }),
        ]),
        "web",
      );
      assert.strictEqual(w.status, "runnable");
      assert.deepStrictEqual(w.pods[0].pools, ["system"]);
      assert.deepStrictEqual(w.pods[0].placement, { pool: "system", nodes: 1 });
    });

    it("refuses a GPU pool to a Pod without the toleration for its taint", () => {
      const w = workload(
        simulate([
          ...pools,
          deployment("team", "no-toleration", {
            nodeSelector: { "cloud.google.com/gke-nodepool": "gpu-l4" },
            containers: [container({ requests: { cpu: "1" } })],
          }),
        ]),
        "no-toleration",
      );
      assert.strictEqual(w.status, "unschedulable");
      assert.match(
        w.problems[0].message,
        /^0\/2 node pools can run it: system: node selector cloud\.google\.com\/gke-nodepool=gpu-l4 .*; gpu-l4: untolerated taint nvidia\.com\/gpu=present:NoSchedule$/,
      );
      assert.match(w.problems[0].fix, /add a toleration for the taint of gpu-l4/);
    });

    it("reports a node selector that names no pool", () => {
      const w = workload(
        simulate([
          ...pools,
          deployment("team", "lost", {
            nodeSelector: { "cloud.google.com/gke-nodepool": "gpu-a100" },
            containers: [container()],
          }),
        ]),
        "lost",
      );
      assert.match(w.problems[0].fix, /^no node pool is named gpu-a100: select one of system, gpu-l4/);
    });

    it("refuses a request no node can hold, after GKE's reservations and the DaemonSets' requests", () => {
      const too = workload(
        simulate([...pools, deployment("team", "too-big", { containers: [container({ requests: { cpu: "12" } })] })]),
        "too-big",
      );
      assert.match(too.problems[0].message, /system: Insufficient cpu \(needs 12, a node offers 7910m\)/);
      const daemon = daemonSet("team", "agent", {
        tolerations: [{ operator: "Exists" }],
        containers: [container({ requests: { cpu: "2" } })],
      });
      const gpu = (cpu: string) =>
        deployment("team", "server", {
          containers: [container({ requests: { cpu }, limits: { "nvidia.com/gpu": "1" } })],
        });
      assert.strictEqual(
        workload(simulate([...pools, gpu("9")]), "server").status,
        "runnable",
        "11.9 CPUs on a g2-standard-12",
      );
      assert.strictEqual(workload(simulate([...pools, daemon, gpu("9")]), "server").status, "runnable");
      assert.match(
        workload(simulate([...pools, daemon, gpu("10")]), "server").problems[0].message,
        /gpu-l4: Insufficient cpu \(needs 10, a node offers 9900m after 2 for DaemonSets\)/,
      );
    });

    it("places replicas up to the pools' maximum size, and says how many never fit", () => {
      const w = workload(
        simulate([
          ...pools,
          deployment(
            "team",
            "replicas",
            { containers: [container({ requests: { cpu: "1" }, limits: { "nvidia.com/gpu": "1" } })] },
            { replicas: 3 },
          ),
        ]),
        "replicas",
      );
      assert.strictEqual(w.status, "unschedulable");
      assert.match(
        w.problems[0].message,
        /^1 of 3 Pods \(cpu=1, nvidia\.com\/gpu=1, pods=1 each\) never fit: gpu-l4 \(max 2 nodes\) at the maximum size holds 2$/,
      );
    });

    it("requires every Pod of a gang at once: a PyTorchJob larger than its pool never starts", () => {
      const job = (workers: number) => ({
        type: K8S.pytorchJob,
        name: `train-${workers}`,
        inputs: {
          apiVersion: "kubeflow.org/v1",
          kind: "PyTorchJob",
          metadata: { name: `train-${workers}`, namespace: "team" },
          spec: {
            pytorchReplicaSpecs: {
              Master: {
                replicas: 1,
                template: {
                  spec: { containers: [container({ requests: { cpu: "4" }, limits: { "nvidia.com/gpu": "1" } })] },
                },
              },
              Worker: {
                replicas: workers,
                template: {
                  spec: { containers: [container({ requests: { cpu: "4" }, limits: { "nvidia.com/gpu": "1" } })] },
                },
              },
            },
          },
        },
      });
      const operator = {
        type: K8S.kustomization,
        name: "operator",
        inputs: {
          directory: "https://github.com/kubeflow/training-operator.git/manifests/overlays/standalone?ref=v1.9.4",
        },
      };
      const fits = workload(simulate([...pools, operator, job(1)]), "train-1");
      assert.strictEqual(fits.status, "runnable");
      assert.deepStrictEqual(
        fits.pods.map((p) => [p.name, p.count, p.placement?.pool]),
        [
          ["Master", 1, "gpu-l4"],
          ["Worker", 1, "gpu-l4"],
        ],
      );
      const big = workload(simulate([...pools, operator, job(2)]), "train-2");
      assert.strictEqual(big.status, "unschedulable");
      assert.match(
        big.problems[0].message,
        /^the gang needs all 2 Pods at once .* gpu-l4 \(max 2 nodes\) at the maximum size holds 1: the job never starts$/,
      );
    });

    it("matches required node affinity (In, NotIn, Exists) and zones", () => {
      const affinity = (expression: object) => ({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expression] }] },
          },
        },
        tolerations: [{ operator: "Exists" }],
        containers: [container()],
      });
      const section = simulate([
        ...pools,
        deployment("team", "accelerated", affinity({ key: "cloud.google.com/gke-accelerator", operator: "Exists" })),
        deployment(
          "team",
          "not-system",
          affinity({ key: "cloud.google.com/gke-nodepool", operator: "NotIn", values: ["system"] }),
        ),
        deployment(
          "team",
          "zone-b",
          affinity({ key: "topology.kubernetes.io/zone", operator: "In", values: ["us-central1-b"] }),
        ),
      ]);
      assert.deepStrictEqual(workload(section, "accelerated").pods[0].pools, ["gpu-l4"]);
      assert.deepStrictEqual(workload(section, "not-system").pods[0].pools, ["gpu-l4"]);
      assert.match(
        workload(section, "zone-b").problems[0].message,
        /required node affinity \(topology\.kubernetes\.io\/zone In us-central1-b\)/,
      );
    });

    it("keeps Pods off queued-provisioning pools unless they consume a ProvisioningRequest", () => {
      const queued = nodePool("gpu-dws", {
        machineType: "a3-highgpu-8g",
        gpus: { type: "nvidia-h100-80gb", count: 8 },
        queued: true,
        max: 2,
      });
      const spec = {
        tolerations: [{ operator: "Exists" }],
        nodeSelector: { "cloud.google.com/gke-nodepool": "gpu-dws" },
        containers: [container({ limits: { "nvidia.com/gpu": "8" } })],
      };
      assert.match(
        problems(workload(simulate([queued, namespace("team"), deployment("team", "direct", spec)]), "direct"))[0],
        /gpu-dws: queued provisioning: the autoscaler adds nodes only for a ProvisioningRequest/,
      );
      const consuming = deployment("team", "requested", spec, {
        annotations: { "cluster-autoscaler.kubernetes.io/consume-provisioning-request": "pr-1" },
      });
      assert.strictEqual(workload(simulate([queued, namespace("team"), consuming]), "requested").status, "runnable");
    });

    it("leaves scheduling unchecked for a plan that declares no node pools (its cluster comes from elsewhere)", () => {
      const w = workload(
        simulate([namespace("team"), deployment("team", "web", { containers: [container()] })]),
        "web",
      );
      assert.strictEqual(w.status, "runnable");
      assert.ok(
        w.notes.includes("scheduling not checked: the plan declares no node pools (the cluster comes from elsewhere)"),
      );
    });

    it("runs a DaemonSet Pod on every node it selects and tolerates, and checks it fits there", () => {
      const section = simulate([
        ...pools,
        daemonSet("team", "gpu-agent", {
          nodeSelector: { "cloud.google.com/gke-accelerator": "nvidia-l4" },
          tolerations: [{ operator: "Exists" }],
          containers: [container({ requests: { cpu: "20" } })],
        }),
      ]);
      const w = workload(section, "gpu-agent");
      assert.deepStrictEqual(w.pods[0].pools, ["gpu-l4"]);
      assert.deepStrictEqual(problems(w), [
        "Scheduler: on node pool gpu-l4: Insufficient cpu (needs 20, a node offers 11900m)",
      ]);
    });
  });
});
