import * as assert from "node:assert";
import { gkeEphemeralAllocatable } from "../../../components/catalog/gke-nodes";
import type { JsonObject } from "../../../components/json";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import { labelValues, nodeShapes } from "../../../policies/lib/analysis/workloads/scheduling/node-shapes";
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

describe("workload simulation: a node pool's labels, taints and sizes as GKE sets them (GKE node labels, taints and node pool docs)", () => {
  const CLUSTER = "gcp:container/cluster:Cluster";
  const withConfig = (pool: TestResource, config: Props, top: Props = {}): TestResource => {
    const inputs = pool.inputs as Props;
    return { ...pool, inputs: { ...inputs, ...top, nodeConfig: { ...inputs.nodeConfig, ...config } } };
  };

  it("labels every node with its pool, machine type and family, OS, region and arch (kubernetes.io well-known labels)", () => {
    const [shape] = shapesOf(nodePool("general", { machineType: "n2-standard-8", zones: ["us-central1-b"] }));
    assert.strictEqual(shape.labels["cloud.google.com/gke-nodepool"], "general");
    assert.strictEqual(shape.labels["node.kubernetes.io/instance-type"], "n2-standard-8");
    assert.strictEqual(shape.labels["cloud.google.com/machine-family"], "n2");
    assert.strictEqual(shape.labels["kubernetes.io/os"], "linux");
    assert.strictEqual(shape.labels["kubernetes.io/arch"], "amd64");
    assert.strictEqual(shape.labels["topology.kubernetes.io/region"], "us-central1");
    assert.deepStrictEqual(shape.zones, ["us-central1-b"]);
    assert.strictEqual(shape.labels["cloud.google.com/gke-spot"], undefined);
    assert.strictEqual(shape.labels["cloud.google.com/gke-preemptible"], undefined);
    assert.strictEqual(shape.labels["cloud.google.com/gke-flex-start"], undefined);
    assert.strictEqual(shape.labels["cloud.google.com/gke-queued"], undefined);
  });

  it("names the pool by its name input, else by the resource name", () => {
    const pool = nodePool("resource-name");
    assert.strictEqual(shapesOf(pool)[0].pool, "resource-name");
    const named = { ...pool, inputs: { ...(pool.inputs as Props), name: "gke-name" } };
    assert.strictEqual(shapesOf(named)[0].pool, "gke-name");
    const unnamed = { ...pool, inputs: { ...(pool.inputs as Props), name: undefined } };
    assert.strictEqual(shapesOf(unnamed)[0].pool, "resource-name");
  });

  it("labels Spot, preemptible and flex-start VMs, and queued-provisioning and GKE-metadata-server nodes, 'true'", () => {
    const cases: Array<[Props, Props, string]> = [
      [{ spot: true }, {}, "cloud.google.com/gke-spot"],
      [{ preemptible: true }, {}, "cloud.google.com/gke-preemptible"],
      [{ flexStart: true }, {}, "cloud.google.com/gke-flex-start"],
      [{}, { queuedProvisioning: { enabled: true } }, "cloud.google.com/gke-queued"],
      [{ workloadMetadataConfig: { mode: "GKE_METADATA" } }, {}, "iam.gke.io/gke-metadata-server-enabled"],
    ];
    for (const [config, top, label] of cases) {
      const [shape] = shapesOf(withConfig(nodePool("p"), config, top));
      assert.strictEqual(shape.labels[label], "true", label);
      const others = cases.map(([, , l]) => l).filter((l) => l !== label);
      for (const other of others) assert.strictEqual(shape.labels[other], undefined, `${label}: ${other}`);
    }
    const [flags] = shapesOf(withConfig(nodePool("p"), { preemptible: false, flexStart: false, spot: false }));
    assert.strictEqual(flags.labels["cloud.google.com/gke-preemptible"], undefined);
  });

  it("taints a queued-provisioning pool cloud.google.com/gke-queued=true:NoSchedule once, and marks it queued", () => {
    const [queued] = shapesOf(nodePool("dws", { queued: true }));
    assert.strictEqual(queued.queued, true);
    assert.deepStrictEqual(queued.taints, [
      { key: "cloud.google.com/gke-queued", value: "true", effect: "NoSchedule" },
    ]);
    const [declared] = shapesOf(
      nodePool("dws", {
        queued: true,
        taints: [{ key: "cloud.google.com/gke-queued", value: "true", effect: "NO_SCHEDULE" }],
      }),
    );
    assert.strictEqual(declared.taints.length, 1);
    assert.strictEqual(shapesOf(nodePool("p"))[0].queued, false);
  });

  it("keeps the node pool's own labels, and spells its taint effects as Kubernetes does (a taint without a value has none)", () => {
    const [shape] = shapesOf(
      nodePool("p", {
        labels: { team: "ml" },
        taints: [
          { key: "dedicated", effect: "NO_EXECUTE" },
          { key: "soft", value: "x", effect: "PREFER_NO_SCHEDULE" },
        ],
      }),
    );
    assert.strictEqual(shape.labels.team, "ml");
    assert.deepStrictEqual(shape.taints, [
      { key: "dedicated", value: undefined, effect: "NoExecute" },
      { key: "soft", value: "x", effect: "PreferNoSchedule" },
    ]);
  });

  it("offers maxPodsPerNode Pods (110 by default) and ephemeral storage of a 100 GB boot disk by default", () => {
    const base = nodePool("p");
    assert.strictEqual(shapesOf(base)[0].allocatable.pods, 110);
    assert.strictEqual(shapesOf(withConfig(base, {}, { maxPodsPerNode: 32 }))[0].allocatable.pods, 32);
    assert.strictEqual(
      shapesOf(withConfig(base, {}, { maxPodsConstraint: { maxPodsPerNode: 64 }, maxPodsPerNode: 32 }))[0].allocatable
        .pods,
      64,
    );
    const noDisk = withConfig(base, { diskSizeGb: undefined });
    assert.strictEqual(shapesOf(noDisk)[0].allocatable["ephemeral-storage"], gkeEphemeralAllocatable(100));
    assert.strictEqual(
      shapesOf(withConfig(base, { diskSizeGb: 200 }))[0].allocatable["ephemeral-storage"],
      gkeEphemeralAllocatable(200),
    );
  });

  it("offers no cpu or memory for a machine type it does not know, and says so", () => {
    const [shape] = shapesOf(nodePool("p", { machineType: "zz9-custom-1" }));
    assert.strictEqual(shape.allocatable.cpu, undefined);
    assert.strictEqual(shape.allocatable.memory, undefined);
    assert.strictEqual(shape.labels["kubernetes.io/arch"], undefined);
    assert.match(shape.unknownShape ?? "", /machine type zz9-custom-1/);
    assert.strictEqual(shapesOf(nodePool("p"))[0].unknownShape, undefined);
  });

  describe("GPUs (GKE how-to/gpus, gpus-multi, timesharing-gpus)", () => {
    it("counts the GPUs a G2 machine type comes with, labels the accelerator and the driver version, and taints the nodes once", () => {
      const pool = nodePool("l4", { machineType: "g2-standard-12", taints: [GPU_TAINT] });
      const [attached] = shapesOf(
        withConfig(pool, {
          guestAccelerators: [
            { type: "nvidia-l4", count: 1, gpuDriverInstallationConfig: { gpuDriverVersion: "LATEST" } },
          ],
        }),
      );
      assert.strictEqual(attached.allocatable["nvidia.com/gpu"], 1);
      assert.strictEqual(attached.labels["cloud.google.com/gke-accelerator"], "nvidia-l4");
      assert.strictEqual(attached.labels["cloud.google.com/gke-gpu-driver-version"], "latest");
      assert.deepStrictEqual(attached.taints, [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }]);
      // No guestAccelerators: the machine type's own GPUs, and GKE's GPU taint.
      const [implicit] = shapesOf(nodePool("l4", { machineType: "g2-standard-12" }));
      assert.strictEqual(implicit.allocatable["nvidia.com/gpu"], 1);
      assert.strictEqual(implicit.labels["cloud.google.com/gke-accelerator"], "nvidia-l4");
      assert.strictEqual(implicit.labels["cloud.google.com/gke-gpu-driver-version"], undefined);
      assert.deepStrictEqual(implicit.taints, [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }]);
      assert.strictEqual(implicit.gpusPerContainer, undefined);
    });

    it("gives a CPU machine type no GPU, no accelerator label and no GPU taint", () => {
      const [shape] = shapesOf(nodePool("cpu", { machineType: "n2-standard-8" }));
      assert.strictEqual(shape.allocatable["nvidia.com/gpu"], undefined);
      assert.strictEqual(shape.labels["cloud.google.com/gke-accelerator"], undefined);
      assert.deepStrictEqual(shape.taints, []);
      assert.strictEqual(shape.gpusPerContainer, undefined);
    });

    it("offers one nvidia.com/gpu per MIG instance: 7 of 1g.5gb per A100 40GB (gpus-multi), labelled with the partition size", () => {
      const [shape] = shapesOf(
        nodePool("mig", {
          machineType: "a2-highgpu-1g",
          gpus: { type: "nvidia-tesla-a100", count: 1, partition: "1g.5gb" },
        }),
      );
      assert.strictEqual(shape.allocatable["nvidia.com/gpu"], 7);
      assert.strictEqual(shape.labels["cloud.google.com/gke-gpu-partition-size"], "1g.5gb");
      assert.strictEqual(shape.labels["cloud.google.com/gke-gpu-driver-version"], "default");
    });

    it("offers maxSharedClientsPerGpu shares of each time-shared GPU, labelled time-sharing or mps", () => {
      const shared = (strategy: string, clients?: number) =>
        shapesOf(
          nodePool("s", {
            machineType: "g2-standard-24",
            gpus: {
              type: "nvidia-l4",
              count: 2,
              sharing: { gpuSharingStrategy: strategy, ...(clients ? { maxSharedClientsPerGpu: clients } : {}) },
            },
          }),
        )[0];
      const timeShared = shared("TIME_SHARING", 4);
      assert.strictEqual(timeShared.allocatable["nvidia.com/gpu"], 8);
      assert.strictEqual(timeShared.labels["cloud.google.com/gke-gpu-sharing-strategy"], "time-sharing");
      assert.strictEqual(timeShared.labels["cloud.google.com/gke-max-shared-clients-per-gpu"], "4");
      assert.strictEqual(timeShared.gpusPerContainer, 1);
      assert.strictEqual(timeShared.gpuSharing, "TIME_SHARING");
      const mps = shared("MPS");
      assert.strictEqual(mps.allocatable["nvidia.com/gpu"], 2);
      assert.strictEqual(mps.labels["cloud.google.com/gke-gpu-sharing-strategy"], "mps");
      assert.strictEqual(mps.labels["cloud.google.com/gke-max-shared-clients-per-gpu"], "1");
    });

    it("counts a driver installer applied from a manifest (ConfigFile) as running on every pool", () => {
      const pool = nodePool("nodriver", { machineType: "g2-standard-8", gpus: { type: "nvidia-l4", count: 1 } });
      (pool.inputs as Props).nodeConfig.guestAccelerators[0].gpuDriverInstallationConfig = {
        gpuDriverVersion: "INSTALLATION_DISABLED",
      };
      const [without] = shapesOf(pool);
      assert.strictEqual(without.allocatable["nvidia.com/gpu"], undefined);
      assert.strictEqual(without.labels["cloud.google.com/gke-gpu-driver-version"], undefined);
      const manifest: TestResource = {
        type: "kubernetes:yaml/v2:ConfigFile",
        name: "driver",
        inputs: {
          file: "https://raw.githubusercontent.com/GoogleCloudPlatform/container-engine-accelerators/master/nvidia-driver-installer/cos/daemonset-preloaded.yaml",
        },
      };
      assert.strictEqual(shapesOf(pool, manifest)[0].allocatable["nvidia.com/gpu"], 1);
      const other: TestResource = { ...manifest, inputs: { file: "https://example.com/other.yaml" } };
      assert.strictEqual(shapesOf(pool, other)[0].allocatable["nvidia.com/gpu"], undefined);
      // A DaemonSet named otherwise, whose Pods do not name the installer, installs nothing.
      const unrelated = daemonSet("kube-system", "logging", {
        tolerations: [{ operator: "Exists" }],
        containers: [container({ name: "fluent-bit" })],
      });
      assert.strictEqual(shapesOf(pool, unrelated)[0].allocatable["nvidia.com/gpu"], undefined);
    });

    it("does not count an installer DaemonSet whose node selector excludes the pool", () => {
      const pool = nodePool("nodriver", { machineType: "g2-standard-8", gpus: { type: "nvidia-l4", count: 1 } });
      (pool.inputs as Props).nodeConfig.guestAccelerators[0].gpuDriverInstallationConfig = {
        gpuDriverVersion: "INSTALLATION_DISABLED",
      };
      const installer = (nodeSelector: Record<string, string>) =>
        daemonSet("kube-system", "nvidia-driver-installer", {
          nodeSelector,
          containers: [container({ name: "pause" })],
        });
      assert.strictEqual(
        shapesOf(pool, installer({ "cloud.google.com/gke-accelerator": "nvidia-l4" }))[0].allocatable["nvidia.com/gpu"],
        1,
      );
      assert.strictEqual(
        shapesOf(pool, installer({ "cloud.google.com/gke-accelerator": "nvidia-tesla-t4" }))[0].allocatable[
          "nvidia.com/gpu"
        ],
        undefined,
      );
    });
  });

  describe("a cluster's default node pool", () => {
    const cluster = (props: Props): TestResource => ({
      type: CLUSTER,
      name: "gke",
      inputs: { name: "gke", location: "us-central1-a", ...props },
    });

    it("keeps GKE's default-pool (e2-medium, 3 nodes) unless the cluster removes it or runs Autopilot", () => {
      const [shape] = shapesOf(cluster({}));
      assert.strictEqual(shape.pool, "default-pool");
      assert.strictEqual(shape.labels["cloud.google.com/gke-nodepool"], "default-pool");
      assert.strictEqual(shape.machineType, "e2-medium");
      assert.strictEqual(shape.maxNodes, 3);
      assert.match(shape.unknownShape ?? "", /e2-medium/);
      assert.deepStrictEqual(shapesOf(cluster({ removeDefaultNodePool: true })), []);
      assert.deepStrictEqual(shapesOf(cluster({ enableAutopilot: true })), []);
      assert.strictEqual(shapesOf(cluster({ removeDefaultNodePool: false, enableAutopilot: false })).length, 1);
    });

    it("sizes it by initialNodeCount, or by its autoscaling, and its node config", () => {
      assert.strictEqual(shapesOf(cluster({ initialNodeCount: 1 }))[0].maxNodes, 1);
      assert.strictEqual(
        shapesOf(cluster({ nodePool: { autoscaling: { totalMinNodeCount: 1, totalMaxNodeCount: 7 } } }))[0].maxNodes,
        7,
      );
      const [shape] = shapesOf(cluster({ nodeConfig: { machineType: "e2-standard-4" } }));
      assert.strictEqual(shape.allocatable.cpu, 3920);
    });
  });

  it("sets aside a pool whose values are unknown until apply, naming it, and rethrows any other failure", () => {
    const unknown = Object.assign(new Error("value unknown during preview"), {
      unknownTypeSentinel: true,
      props: ["nodeConfig"],
    });
    const pool = (error: Error) => ({
      urn: "urn:pulumi:dev::p::gcp:container/nodePool:NodePool::gpu",
      type: "gcp:container/nodePool:NodePool",
      name: "gpu",
      props: {
        name: "gpu",
        get nodeConfig(): Props {
          throw error;
        },
      } as Props,
    });
    const read = nodeShapes(indexCluster([pool(unknown)]));
    assert.deepStrictEqual(read.shapes, []);
    assert.deepStrictEqual(read.unreadable, ["gpu: value unknown during preview"]);
    assert.throws(() => nodeShapes(indexCluster([pool(new Error("boom"))])), /boom/);
  });
});

describe("workload simulation: more of what GKE sets on a pool's nodes", () => {
  it("gives a node every zone of its pool for the zone label (and the deprecated failure-domain one), and one value for the rest", () => {
    const [shape] = shapesOf(nodePool("p", { zones: ["us-central1-a", "us-central1-f"] }));
    const values = labelValues(shape);
    assert.deepStrictEqual(values("topology.kubernetes.io/zone"), ["us-central1-a", "us-central1-f"]);
    assert.deepStrictEqual(values("failure-domain.beta.kubernetes.io/zone"), ["us-central1-a", "us-central1-f"]);
    assert.deepStrictEqual(values("cloud.google.com/gke-nodepool"), ["p"]);
    assert.deepStrictEqual(values("example.com/none"), []);
  });

  it("places a zonal pool without node locations in its location's zone", () => {
    const pool = nodePool("p");
    const zonal = {
      ...pool,
      inputs: { ...(pool.inputs as Props), location: "us-central1-c", nodeLocations: undefined },
    };
    const [shape] = shapesOf(zonal);
    assert.deepStrictEqual(shape.zones, ["us-central1-c"]);
    assert.strictEqual(shape.labels["topology.kubernetes.io/region"], "us-central1");
  });

  it("labels an attached T4 on an N1 machine by its type, and gives no GPU for a count of 0", () => {
    const t4 = nodePool("t4", { machineType: "n1-standard-8", gpus: { type: "nvidia-tesla-t4", count: 2 } });
    const [shape] = shapesOf(t4);
    assert.strictEqual(shape.labels["cloud.google.com/gke-accelerator"], "nvidia-tesla-t4");
    assert.strictEqual(shape.allocatable["nvidia.com/gpu"], 2);
    const none = nodePool("none", { machineType: "n2-standard-8", gpus: { type: "nvidia-l4", count: 0 } });
    const [cpu] = shapesOf(none);
    assert.strictEqual(cpu.labels["cloud.google.com/gke-accelerator"], undefined);
    assert.strictEqual(cpu.allocatable["nvidia.com/gpu"], undefined);
    assert.deepStrictEqual(cpu.taints, []);
  });

  describe("the NVIDIA driver installer, found by its DaemonSet's name or image, or a manifest (ConfigFile or ConfigGroup)", () => {
    const noDriver = () => {
      const pool = nodePool("nodriver", { machineType: "g2-standard-8", gpus: { type: "nvidia-l4", count: 1 } });
      (pool.inputs as Props).nodeConfig.guestAccelerators[0].gpuDriverInstallationConfig = {
        gpuDriverVersion: "INSTALLATION_DISABLED",
      };
      return pool;
    };
    const gpus = (...extra: TestResource[]) => shapesOf(noDriver(), ...extra)[0].allocatable["nvidia.com/gpu"];

    it("counts a DaemonSet named otherwise whose container runs the installer image", () => {
      const byImage = daemonSet("kube-system", "gpu-drivers", {
        tolerations: [{ operator: "Exists" }],
        initContainers: [{ name: "install", image: "cos-nvidia-installer:fixed" }],
        containers: [container({ name: "pause" })],
      });
      assert.strictEqual(gpus(byImage), 1);
    });

    it("does not count another kind of object of the installer's name", () => {
      const account: TestResource = {
        type: "kubernetes:core/v1:ServiceAccount",
        name: "nvidia-driver-installer",
        inputs: {
          apiVersion: "v1",
          kind: "ServiceAccount",
          metadata: { name: "nvidia-driver-installer", namespace: "kube-system" },
        },
      };
      assert.strictEqual(gpus(account), undefined);
    });

    it("counts a ConfigGroup applying the installer's manifest, not a Helm chart that mentions it", () => {
      const group: TestResource = {
        type: "kubernetes:yaml/v2:ConfigGroup",
        name: "drivers",
        inputs: { files: ["https://example.com/ubuntu-nvidia-driver/daemonset.yaml"] },
      };
      assert.strictEqual(gpus(group), 1);
      const chart: TestResource = {
        type: "kubernetes:helm.sh/v4:Chart",
        name: "drivers",
        inputs: { chart: "example", values: { image: "cos-nvidia-installer:fixed" } },
      };
      assert.strictEqual(gpus(chart), undefined);
    });
  });
});

describe("workload simulation: GKE Sandbox taint, declared or added", () => {
  it("adds the sandbox.gke.io/runtime=gvisor:NoSchedule taint once, also where the pool declares it itself", () => {
    const pool = nodePool("sandbox", {
      machineType: "e2-standard-8",
      taints: [{ key: "sandbox.gke.io/runtime", value: "gvisor", effect: "NO_SCHEDULE" }],
    });
    (pool.inputs as Props).nodeConfig.sandboxConfig = { type: "GVISOR" };
    const [shape] = shapesOf(pool);
    assert.deepStrictEqual(shape.taints, [{ key: "sandbox.gke.io/runtime", value: "gvisor", effect: "NoSchedule" }]);
    assert.strictEqual(shape.labels["sandbox.gke.io/runtime"], "gvisor");
    const plain = nodePool("plain", { machineType: "e2-standard-8" });
    (plain.inputs as Props).nodeConfig.sandboxConfig = { sandboxType: "runc" };
    assert.deepStrictEqual(shapesOf(plain)[0].taints, []);
  });
});
