import * as assert from "node:assert";
import { gkeEphemeralAllocatable } from "../../../components/catalog/gke-nodes";
import type { JsonObject } from "../../../components/json";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import { nodeShapes } from "../../../policies/lib/analysis/workloads/scheduling/node-shapes";
import { planOf, type TestResource } from "../../helpers/policy";
import {
  container,
  daemonSet,
  deployment,
  GPU_TAINT,
  namespace,
  nodePool,
  problems,
  simulate,
  twoPools,
  workload,
} from "./fixtures";

type Props = JsonObject;
const Gi = 2 ** 30;
const shapesOf = (...resources: TestResource[]) => nodeShapes(indexCluster(planOf(resources).resources)).shapes;

describe("workload simulation: what GKE nodes offer (GKE plan-node-sizes, GPU and GPU-sharing docs)", () => {
  describe("allocatable resources (cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes)", () => {
    it("offers no more than the page's e2-standard-4 with a 100 GB disk: cpu 3920m, memory 13498416Ki, ephemeral-storage 47060071478", () => {
      const [shape] = shapesOf(nodePool("p", { machineType: "e2-standard-4" }));
      assert.strictEqual(shape.allocatable.cpu, 3920);
      assert.ok(
        shape.allocatable.memory <= 13498416 * 1024 && shape.allocatable.memory > 13498415 * 1024,
        String(shape.allocatable.memory),
      );
      assert.ok(
        shape.allocatable["ephemeral-storage"] <= 47060071478 &&
          shape.allocatable["ephemeral-storage"] > 47060071478 - 4096,
        String(shape.allocatable["ephemeral-storage"]),
      );
    });

    it("keeps the eviction threshold and min(50 %, 6 GiB + 35 %, 100 GiB) of the boot disk for the system: 50 GB, 200 GB and 1000 GB disks", () => {
      // Reservation: 50 GB → 23.5 GiB (6 + 35 %); 200 GB → 76 GiB (6 + 35 %); 1000 GB → 100 GiB (the cap).
      const capacity = (gi: number) => gi * Gi - 6025692 * 1024;
      for (const [disk, reserved] of [
        [50, 23.5],
        [200, 76],
        [1000, 100],
      ] as const) {
        const expected = capacity(disk) - capacity(disk) * 0.1 - reserved * Gi;
        assert.ok(
          Math.abs(gkeEphemeralAllocatable(disk) - expected) < 2048,
          `${disk} GB: ${gkeEphemeralAllocatable(disk)} vs ${expected}`,
        );
      }
    });

    it("never places 60Gi of ephemeral storage on a 100 GB boot disk, and places 40Gi", () => {
      const scratch = (size: string) =>
        deployment("team", "scratch", {
          containers: [
            container({
              requests: { cpu: "100m", memory: "64Mi", "ephemeral-storage": size },
              limits: { memory: "64Mi", "ephemeral-storage": size },
            }),
          ],
        });
      const big = workload(
        simulate([nodePool("system", { machineType: "e2-standard-8" }), namespace("team"), scratch("60Gi")]),
        "scratch",
      );
      assert.strictEqual(big.status, "unschedulable");
      assert.match(problems(big)[0], /system: Insufficient ephemeral-storage \(needs 60Gi, a node offers 43\.83Gi\)/);
      assert.strictEqual(
        workload(
          simulate([nodePool("system", { machineType: "e2-standard-8" }), namespace("team"), scratch("40Gi")]),
          "scratch",
        ).status,
        "runnable",
      );
    });
  });

  describe("shared GPUs: one nvidia.com/gpu per container (GKE concepts/timesharing-gpus, 'GPU requests that apply to GPU time-sharing and NVIDIA MPS')", () => {
    const shared = (name: string, strategy: string, machineType: string, count: number) =>
      nodePool(name, {
        machineType,
        gpus: { type: "nvidia-l4", count, sharing: { gpuSharingStrategy: strategy, maxSharedClientsPerGpu: 4 } },
        taints: [GPU_TAINT],
      });
    const gpus = (n: string) =>
      deployment("team", `gpus-${n}`, {
        containers: [container({ limits: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": n } })],
      });

    it("refuses a container asking for two time-shared GPUs (the kubelet's UnexpectedAdmissionError), and runs one asking for one", () => {
      const section = simulate([
        shared("shared", "TIME_SHARING", "g2-standard-8", 1),
        namespace("team"),
        gpus("2"),
        gpus("1"),
      ]);
      const two = workload(section, "gpus-2");
      assert.strictEqual(two.status, "unschedulable");
      assert.match(
        problems(two)[0],
        /shared: container app asks for more than 1 shared nvidia\.com\/gpu: the kubelet refuses the Pod \(UnexpectedAdmissionError: invalid request for sharing GPU \(time-sharing\), at most 1 nvidia\.com\/gpu can be requested on GPU nodes\)/,
      );
      assert.match(two.problems[0].fix, /ask for 1 nvidia\.com\/gpu per container on shared/);
      assert.strictEqual(workload(section, "gpus-1").status, "runnable");
    });

    it("lets MPS give one container several shares on a one-GPU node, but not on a node with several physical GPUs", () => {
      assert.strictEqual(
        workload(simulate([shared("mps", "MPS", "g2-standard-8", 1), namespace("team"), gpus("2")]), "gpus-2").status,
        "runnable",
      );
      const multi = workload(
        simulate([shared("mps", "MPS", "g2-standard-24", 2), namespace("team"), gpus("2")]),
        "gpus-2",
      );
      assert.match(problems(multi)[0], /at most 1 nvidia\.com\/gpu can be requested on multi-GPU nodes/);
    });
  });

  describe("GPU drivers installed by hand (GKE how-to/gpus, 'Manually install NVIDIA GPU drivers')", () => {
    const noDriver = () => {
      const pool = nodePool("nodriver", {
        machineType: "g2-standard-8",
        gpus: { type: "nvidia-l4", count: 1 },
        taints: [GPU_TAINT],
      });
      (pool.inputs as Props).nodeConfig.guestAccelerators[0].gpuDriverInstallationConfig = {
        gpuDriverVersion: "INSTALLATION_DISABLED",
      };
      return pool;
    };
    const gpu = deployment("team", "gpu", {
      containers: [container({ limits: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "1" } })],
    });

    it("offers no nvidia.com/gpu on a pool whose driver installation is disabled and no driver installer runs, and says why", () => {
      const w = workload(simulate([noDriver(), namespace("team"), gpu]), "gpu");
      assert.strictEqual(w.status, "unschedulable");
      assert.match(
        problems(w)[0],
        /Insufficient nvidia\.com\/gpu \(needs 1, the nodes offer none: GPU driver installation is disabled/,
      );
      assert.match(w.problems[0].fix, /let GKE install the GPU driver on nodriver/);
    });

    it("offers the GPUs once NVIDIA's driver installer DaemonSet selects the pool", () => {
      const installer = daemonSet("kube-system", "nvidia-driver-installer", {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: "cloud.google.com/gke-accelerator", operator: "Exists" }] },
              ],
            },
          },
        },
        tolerations: [{ operator: "Exists" }],
        containers: [container({ name: "pause", requests: { cpu: "10m", memory: "10Mi" } })],
      });
      assert.strictEqual(workload(simulate([noDriver(), namespace("team"), installer, gpu]), "gpu").status, "runnable");
    });
  });

  describe("GKE Sandbox (concepts/sandbox-pods): the gvisor RuntimeClass, label and taint", () => {
    it("labels and taints a sandbox pool, and lands a Pod of runtimeClassName gvisor there through the class's scheduling", () => {
      const pool = nodePool("sandbox", { machineType: "e2-standard-8" });
      (pool.inputs as Props).nodeConfig.sandboxConfig = { sandboxType: "gvisor" };
      const [shape] = shapesOf(pool);
      assert.strictEqual(shape.labels["sandbox.gke.io/runtime"], "gvisor");
      assert.deepStrictEqual(shape.taints, [{ key: "sandbox.gke.io/runtime", value: "gvisor", effect: "NoSchedule" }]);
      const w = workload(
        simulate([
          ...twoPools(namespace("team")),
          pool,
          deployment("team", "sandboxed", {
            runtimeClassName: "gvisor",
            containers: [container({ requests: { cpu: "100m", memory: "64Mi" } })],
          }),
        ]),
        "sandboxed",
      );
      assert.strictEqual(w.status, "runnable");
      assert.deepStrictEqual(w.pods[0].pools, ["sandbox"]);
      assert.ok(w.pods[0].admission.includes("RuntimeClass gvisor"));
    });

    it("keeps a Pod without the class off the sandbox pool (its taint)", () => {
      const pool = nodePool("sandbox", { machineType: "e2-standard-8" });
      (pool.inputs as Props).nodeConfig.sandboxConfig = { sandboxType: "gvisor" };
      const w = workload(
        simulate([pool, namespace("team"), deployment("team", "plain", { containers: [container()] })]),
        "plain",
      );
      assert.match(problems(w)[0], /sandbox: untolerated taint sandbox\.gke\.io\/runtime=gvisor:NoSchedule/);
    });
  });
});
