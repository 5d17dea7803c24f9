import * as assert from "node:assert";
import { gkeAllocatable } from "../../components/catalog/gke-nodes";
import { ACCELERATOR_TYPES, GPU_CATALOG } from "../../components/catalog/gpus";
import {
  bootDiskType,
  GPU_TAINT,
  GpuNodePool,
  type GpuNodePoolArgs,
  resolveGpuNodePoolArgs,
} from "../../components/compute/gpu-node-pool";
import { allocatablePerNode, gpusPerContainerLimit, NODE_HEADROOM } from "../../components/compute/gpu-pool-rules";
import type { JsonObject } from "../../components/json";
import { estimatePlan } from "../../policies/lib/estimate";
import { ProgramError } from "../../scripts/lib/engine";
import { all, input, one, run, STACK_LABELS } from "../helpers/run";

const NODE_POOL = "gcp:container/nodePool:NodePool";

function args(overrides: Partial<GpuNodePoolArgs> = {}): GpuNodePoolArgs {
  return {
    project: "acme-test",
    prefix: "cnai-test",
    labels: STACK_LABELS,
    cluster: {
      name: "cnai-test-gke",
      location: "us-central1",
      region: "us-central1",
      zones: ["us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"],
    },
    serviceAccount: "nodes@acme-test.iam.gserviceaccount.com",
    machineType: "g2-standard-8",
    accelerator: { type: "nvidia-l4" },
    autoscaling: { max: 3 },
    ...overrides,
  };
}

async function pool(overrides: Partial<GpuNodePoolArgs> = {}) {
  const result = await run(() => new GpuNodePool("train", args(overrides)));
  return one(result, NODE_POOL, "train");
}

describe("GpuNodePool", () => {
  describe("defaults", () => {
    it("scales from zero (autoscaling.min 0) with total limits and the ANY location policy", async () => {
      const np = await pool();
      assert.deepStrictEqual(input(np, "autoscaling"), {
        totalMinNodeCount: 0,
        totalMaxNodeCount: 3,
        locationPolicy: "ANY",
      });
      assert.strictEqual(input(np, "initialNodeCount"), 0);
    });

    it("uses on-demand capacity: no spot, no flex-start, no reservation affinity; a training pool upgrades one node down at a time", async () => {
      const np = await pool();
      assert.strictEqual(input(np, "nodeConfig.spot"), false);
      assert.strictEqual(input(np, "nodeConfig.flexStart"), undefined);
      assert.strictEqual(input(np, "nodeConfig.reservationAffinity"), undefined);
      assert.strictEqual(input(np, "queuedProvisioning"), undefined);
      // A surge node is one more GPU VM the zone may not have (GKE, "Ensure resources for node upgrades").
      assert.deepStrictEqual(input(np, "upgradeSettings"), { strategy: "SURGE", maxSurge: 0, maxUnavailable: 1 });
      assert.deepStrictEqual(input(np, "nodeConfig.labels")?.["cnai.dev/capacity" as never], "on-demand");
    });

    it("installs the DEFAULT GKE-managed driver and takes the GPU count from the machine type", async () => {
      const np = await pool({ machineType: "g2-standard-24" });
      assert.deepStrictEqual(input(np, "nodeConfig.guestAccelerators"), [
        { type: "nvidia-l4", count: 2, gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" } },
      ]);
    });

    it("defaults to one attached GPU on N1 machine types (T4)", async () => {
      const np = await pool({ machineType: "n1-standard-8", accelerator: { type: "nvidia-tesla-t4" } });
      assert.strictEqual(input(np, "nodeConfig.guestAccelerators.0.count"), 1);
    });

    it("places nodes in the cluster zones that offer the accelerator", async () => {
      const np = await pool();
      // us-central1-f offers T4 and A100 but not L4 (components/catalog/gpus.ts).
      assert.deepStrictEqual(input(np, "nodeLocations"), ["us-central1-a", "us-central1-b", "us-central1-c"]);
    });

    it("is a training pool, shiftable, with sustainability and governance labels", async () => {
      const np = await pool();
      assert.deepStrictEqual(input(np, "nodeConfig.resourceLabels"), {
        env: "test",
        team: "ml-platform",
        "cost-center": "cc-1",
        "managed-by": "pulumi",
        component: "gpu-node-pool",
        "workload-type": "training",
        shiftable: "true",
        "carbon-tier": "low",
      });
    });

    it("taints nodes nvidia.com/gpu=present:NoSchedule and labels them with the pool and accelerator", async () => {
      const np = await pool();
      assert.deepStrictEqual(input(np, "nodeConfig.taints"), [GPU_TAINT]);
      assert.deepStrictEqual(input(np, "nodeConfig.labels"), {
        "cnai.dev/gpu-pool": "train",
        "cnai.dev/accelerator": "nvidia-l4",
        "cnai.dev/workload-type": "training",
        "cnai.dev/capacity": "on-demand",
      });
    });

    it("hardens nodes: GKE metadata server, secure boot, integrity monitoring, no legacy metadata endpoints, auto-repair and auto-upgrade", async () => {
      const np = await pool();
      assert.deepStrictEqual(input(np, "nodeConfig.workloadMetadataConfig"), { mode: "GKE_METADATA" });
      assert.deepStrictEqual(input(np, "nodeConfig.shieldedInstanceConfig"), {
        enableSecureBoot: true,
        enableIntegrityMonitoring: true,
      });
      assert.deepStrictEqual(input(np, "nodeConfig.metadata"), { "disable-legacy-endpoints": "true" });
      assert.deepStrictEqual(input(np, "management"), { autoRepair: true, autoUpgrade: true });
      assert.strictEqual(input(np, "nodeConfig.serviceAccount"), "nodes@acme-test.iam.gserviceaccount.com");
    });

    it("streams images (GCFS) on gVNIC, boots from a 200 GB balanced disk, COS with containerd", async () => {
      const np = await pool();
      assert.deepStrictEqual(input(np, "nodeConfig.gcfsConfig"), { enabled: true });
      assert.deepStrictEqual(input(np, "nodeConfig.gvnic"), { enabled: true });
      assert.strictEqual(input(np, "nodeConfig.diskSizeGb"), 200);
      assert.strictEqual(input(np, "nodeConfig.diskType"), "pd-balanced");
      assert.strictEqual(input(np, "nodeConfig.imageType"), "COS_CONTAINERD");
    });

    it("has no compact placement, sharing or MIG unless asked", async () => {
      const np = await pool();
      assert.strictEqual(input(np, "placementPolicy"), undefined);
      assert.strictEqual(input(np, "nodeConfig.guestAccelerators.0.gpuSharingConfig"), undefined);
      assert.strictEqual(input(np, "nodeConfig.guestAccelerators.0.gpuPartitionSize"), undefined);
    });

    it("names the GKE pool gpu-<name> and ignores initialNodeCount drift", async () => {
      const np = await pool();
      assert.strictEqual(input(np, "name"), "gpu-train");
      assert.deepStrictEqual(np.options.ignoreChanges, ["initialNodeCount"]);
    });
  });

  describe("options", () => {
    it("spot capacity sets spot and upgrades without surge", async () => {
      const np = await pool({ capacity: { type: "spot" } });
      assert.strictEqual(input(np, "nodeConfig.spot"), true);
      assert.deepStrictEqual(input(np, "upgradeSettings"), { strategy: "SURGE", maxSurge: 0, maxUnavailable: 1 });
    });

    it("upgrades serving pools with a surge node first (capacity kept), reserved serving pools one node down at a time", async () => {
      const serving = await pool({ workloadType: "inference" });
      assert.deepStrictEqual(input(serving, "upgradeSettings"), { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 });
      const reserved = await pool({
        workloadType: "inference",
        capacity: { type: "reservation", reservation: { affinity: "any" } },
      });
      assert.deepStrictEqual(input(reserved, "upgradeSettings"), { strategy: "SURGE", maxSurge: 0, maxUnavailable: 1 });
    });

    it("upgrades blue-green with a soak when asked, and refuses it on reserved capacity", async () => {
      const np = await pool({ workloadType: "inference", upgrade: { strategy: "blue-green", soakMinutes: 60 } });
      assert.deepStrictEqual(input(np, "upgradeSettings"), {
        strategy: "BLUE_GREEN",
        blueGreenSettings: {
          standardRolloutPolicy: { batchNodeCount: 1, batchSoakDuration: "3600s" },
          nodePoolSoakDuration: "3600s",
        },
      });
      await assert.rejects(
        pool({
          upgrade: { strategy: "blue-green" },
          capacity: { type: "reservation", reservation: { affinity: "any" } },
        }),
        /blue-green upgrades on reserved capacity/,
      );
    });

    it("leaves DWS pools to GKE's short-lived upgrades and refuses upgrade settings on them, or surge settings that never upgrade", async () => {
      // GKE, "Node upgrade strategies": "For nodes that use Flex-start VMs, GKE uses short-lived upgrades".
      const flex = await pool({ capacity: { type: "flex-start" } });
      assert.strictEqual(input(flex, "upgradeSettings"), undefined);
      await assert.rejects(
        pool({ capacity: { type: "queued" }, upgrade: { maxSurge: 1 } }),
        /upgrade settings on queued capacity, which GKE upgrades with short-lived upgrades only/,
      );
      await assert.rejects(pool({ upgrade: { maxSurge: 0, maxUnavailable: 0 } }), /can never upgrade a node/);
    });

    it("reservation capacity consumes any reservation, or a specific one by name", async () => {
      const any = await pool({ capacity: { type: "reservation", reservation: { affinity: "any" } } });
      assert.deepStrictEqual(input(any, "nodeConfig.reservationAffinity"), {
        consumeReservationType: "ANY_RESERVATION",
      });
      const specific = await pool({
        capacity: { type: "reservation", reservation: { affinity: "specific", name: "h100-res" } },
      });
      assert.deepStrictEqual(input(specific, "nodeConfig.reservationAffinity"), {
        consumeReservationType: "SPECIFIC_RESERVATION",
        key: "compute.googleapis.com/reservation-name",
        values: ["h100-res"],
      });
    });

    it("a specific reservation carries its size (capacity.reservation.vms, else the pool's maximum) into the estimate, whose idle cost counts every reserved VM", async () => {
      // Issue 13, item 15: a specific reservation is billed at the on-demand rate whether its VMs run or not
      // (Compute Engine, "Reservations of Compute Engine zonal resources"), so its size, from config, belongs
      // in the idle cost; a pool that consumes any reservation costs nothing idle.
      const reserved = (reservation: NonNullable<GpuNodePoolArgs["capacity"]>["reservation"]) =>
        pool({
          machineType: "a3-highgpu-8g",
          accelerator: { type: "nvidia-h100-80gb" },
          zones: ["us-central1-a"],
          autoscaling: { max: 4 },
          capacity: { type: "reservation", reservation },
        });
      const cost = (np: Awaited<ReturnType<typeof pool>>) =>
        estimatePlan([{ urn: np.urn, type: np.type, props: np.inputs as JsonObject }]).costUsdPerMonth;
      const sized = cost(await reserved({ affinity: "specific", name: "h100-res", vms: 2 }));
      assert.ok(
        sized.max > 0 && Math.abs(sized.idle * 2 - sized.max) < 0.02,
        `2 of 4 VMs idle: ${JSON.stringify(sized)}`,
      );
      const unsized = cost(await reserved({ affinity: "specific", name: "h100-res" }));
      assert.deepStrictEqual(unsized, { idle: unsized.max, max: sized.max }, "every VM of the pool's maximum");
      assert.strictEqual(cost(await reserved({ affinity: "any" })).idle, 0);
    });

    it("flex-start capacity uses DWS flex-start VMs, no reservations, and auto-repair off (GKE's flex-start guidance: --no-enable-autorepair)", async () => {
      const np = await pool({ capacity: { type: "flex-start" } });
      assert.strictEqual(input(np, "nodeConfig.flexStart"), true);
      assert.deepStrictEqual(input(np, "nodeConfig.reservationAffinity"), { consumeReservationType: "NO_RESERVATION" });
      assert.strictEqual(input(np, "queuedProvisioning"), undefined);
      assert.deepStrictEqual(input(np, "management"), { autoRepair: false, autoUpgrade: true });
    });

    it("queued capacity enables queued provisioning, flex-start and turns auto-repair off as DWS requires", async () => {
      const np = await pool({ capacity: { type: "queued" } });
      assert.deepStrictEqual(input(np, "queuedProvisioning"), { enabled: true });
      assert.strictEqual(input(np, "nodeConfig.flexStart"), true);
      assert.deepStrictEqual(input(np, "nodeConfig.reservationAffinity"), { consumeReservationType: "NO_RESERVATION" });
      assert.deepStrictEqual(input(np, "management"), { autoRepair: false, autoUpgrade: true });
    });

    it("a specific reservation keeps the reservation's placement: no pool-level compact policy, or the reservation's own policy by name", async () => {
      const reserved = {
        machineType: "a3-highgpu-8g",
        accelerator: { type: "nvidia-h100-80gb" as const },
        zones: ["us-central1-a"],
        capacity: { type: "reservation" as const, reservation: { affinity: "specific" as const, name: "h100-res" } },
      };
      assert.strictEqual(input(await pool(reserved), "placementPolicy"), undefined);
      const named = await pool({
        ...reserved,
        compactPlacement: true,
        capacity: {
          type: "reservation",
          reservation: { affinity: "specific", name: "h100-res", placementPolicy: "h100-res-compact" },
        },
      });
      assert.deepStrictEqual(input(named, "placementPolicy"), { type: "COMPACT", policyName: "h100-res-compact" });
    });

    it("compact placement in one zone", async () => {
      const np = await pool({
        machineType: "a3-highgpu-8g",
        accelerator: { type: "nvidia-h100-80gb" },
        zones: ["us-central1-a"],
        compactPlacement: true,
      });
      assert.deepStrictEqual(input(np, "placementPolicy"), { type: "COMPACT" });
      assert.deepStrictEqual(input(np, "nodeLocations"), ["us-central1-a"]);
    });

    it("time-sharing and MPS share GPUs between containers", async () => {
      const ts = await pool({
        accelerator: { type: "nvidia-l4", sharing: { strategy: "TIME_SHARING", maxClientsPerGpu: 4 } },
      });
      assert.deepStrictEqual(input(ts, "nodeConfig.guestAccelerators.0.gpuSharingConfig"), {
        gpuSharingStrategy: "TIME_SHARING",
        maxSharedClientsPerGpu: 4,
      });
      const mps = await pool({ accelerator: { type: "nvidia-l4", sharing: { strategy: "MPS", maxClientsPerGpu: 8 } } });
      assert.deepStrictEqual(input(mps, "nodeConfig.guestAccelerators.0.gpuSharingConfig"), {
        gpuSharingStrategy: "MPS",
        maxSharedClientsPerGpu: 8,
      });
    });

    it("MIG partitions on GPUs that have MIG", async () => {
      const np = await pool({
        machineType: "a2-highgpu-1g",
        accelerator: { type: "nvidia-tesla-a100", migPartitionSize: "1g.5gb" },
      });
      assert.strictEqual(input(np, "nodeConfig.guestAccelerators.0.gpuPartitionSize"), "1g.5gb");
    });

    it("LATEST or no driver installation", async () => {
      const latest = await pool({ accelerator: { type: "nvidia-l4", driverVersion: "LATEST" } });
      assert.strictEqual(
        input(latest, "nodeConfig.guestAccelerators.0.gpuDriverInstallationConfig.gpuDriverVersion"),
        "LATEST",
      );
      const none = await pool({ accelerator: { type: "nvidia-l4", driverVersion: "INSTALLATION_DISABLED" } });
      assert.strictEqual(
        input(none, "nodeConfig.guestAccelerators.0.gpuDriverInstallationConfig.gpuDriverVersion"),
        "INSTALLATION_DISABLED",
      );
    });

    it("inference pools are not shiftable unless said so; min nodes start warm", async () => {
      const np = await pool({
        workloadType: "inference",
        autoscaling: { min: 2, max: 4, locationPolicy: "BALANCED" },
        zones: ["us-central1-a", "us-central1-b"],
      });
      assert.strictEqual((input(np, "nodeConfig.resourceLabels") as Record<string, string>).shiftable, "false");
      assert.strictEqual(
        (input(np, "nodeConfig.resourceLabels") as Record<string, string>)["workload-type"],
        "inference",
      );
      assert.deepStrictEqual(input(np, "autoscaling"), {
        totalMinNodeCount: 2,
        totalMaxNodeCount: 4,
        locationPolicy: "BALANCED",
      });
      assert.strictEqual(input(np, "initialNodeCount"), 1);
      const shiftable = await pool({ workloadType: "inference", shiftable: true });
      assert.strictEqual((input(shiftable, "nodeConfig.resourceLabels") as Record<string, string>).shiftable, "true");
    });

    it("disk size and image streaming can be changed; A3 Ultra and A4 boot from Hyperdisk", async () => {
      const np = await pool({ diskSizeGb: 500, imageStreaming: false });
      assert.strictEqual(input(np, "nodeConfig.diskSizeGb"), 500);
      assert.deepStrictEqual(input(np, "nodeConfig.gcfsConfig"), { enabled: false });
      assert.strictEqual(bootDiskType("a4-highgpu-8g"), "hyperdisk-balanced");
      assert.strictEqual(bootDiskType("a3-ultragpu-8g"), "hyperdisk-balanced");
      assert.strictEqual(bootDiskType("a3-highgpu-8g"), "pd-balanced");
    });

    it("carbon tier follows the region", async () => {
      const result = await run(
        () =>
          new GpuNodePool(
            "train",
            args({
              cluster: { name: "c", location: "us-east1", region: "us-east1", zones: ["us-east1-c"] },
              machineType: "n1-standard-8",
              accelerator: { type: "nvidia-tesla-t4" },
            }),
          ),
      );
      assert.strictEqual(
        (input(one(result, NODE_POOL), "nodeConfig.resourceLabels") as Record<string, string>)["carbon-tier"],
        "high",
      );
    });
  });

  describe("validation", () => {
    const cases: Array<[string, Partial<GpuNodePoolArgs>, RegExp]> = [
      [
        "a machine type that does not carry the accelerator",
        { machineType: "a2-highgpu-1g" },
        /machineType: got "a2-highgpu-1g"; allowed: a machine type that carries nvidia-l4: g2-standard-4/,
      ],
      [
        "a GPU count the machine type cannot hold",
        { machineType: "g2-standard-8", accelerator: { type: "nvidia-l4", count: 2 } },
        /accelerator\.count: got 2; allowed: 1 for g2-standard-8/,
      ],
      [
        "an attached GPU count N1 does not offer",
        { machineType: "n1-standard-8", accelerator: { type: "nvidia-tesla-t4", count: 3 } },
        /accelerator\.count: got 3; allowed: 1 or 2 or 4/,
      ],
      [
        "a zone that does not offer the accelerator",
        { zones: ["us-central1-f"] },
        /zones\.0: got "us-central1-f"; allowed: a zone of us-central1 that offers nvidia-l4/,
      ],
      [
        "MIG on a GPU without MIG",
        { accelerator: { type: "nvidia-l4", migPartitionSize: "1g.5gb" } },
        /migPartitionSize: got "1g\.5gb"; allowed: nothing: nvidia-l4 has no MIG/,
      ],
      [
        "min above max",
        { autoscaling: { min: 4, max: 2 } },
        /autoscaling\.min: got 4; allowed: at most autoscaling\.max \(2\)/,
      ],
      [
        "a reservation capacity without a reservation",
        { capacity: { type: "reservation" } },
        /capacity\.reservation: got undefined; allowed: \{ affinity/,
      ],
      [
        "queued capacity with warm nodes",
        { capacity: { type: "queued" }, autoscaling: { min: 1, max: 2 } },
        /autoscaling\.min: got 1; allowed: 0 for queued capacity/,
      ],
      [
        "queued capacity balancing zones (GKE creates DWS pools with --location-policy=ANY)",
        { capacity: { type: "queued" }, autoscaling: { min: 0, max: 2, locationPolicy: "BALANCED" } },
        /autoscaling\.locationPolicy: got "BALANCED"; allowed: ANY for queued capacity/,
      ],
      [
        "compact placement over several zones",
        { compactPlacement: true },
        /compactPlacement: got true; allowed: true only for a pool in one zone/,
      ],
      [
        "a self-made compact policy on a specific reservation (GKE would create a policy the reserved VMs do not match)",
        {
          machineType: "a3-highgpu-8g",
          accelerator: { type: "nvidia-h100-80gb" },
          zones: ["us-central1-a"],
          compactPlacement: true,
          capacity: { type: "reservation", reservation: { affinity: "specific", name: "h100-res" } },
        },
        /compactPlacement: got true; allowed: false with a specific reservation: the reservation's VMs keep the reservation's placement/,
      ],
    ];
    for (const [what, overrides, message] of cases) {
      it(`refuses ${what}, naming the pool, and creates no node pool`, async () => {
        let caught: unknown;
        let resources: unknown[] = [];
        try {
          await run(() => new GpuNodePool("train", args(overrides)));
        } catch (error) {
          caught = error;
          resources = (error as ProgramError).resources;
        }
        assert.ok(caught instanceof ProgramError, "expected the program to fail");
        assert.match(caught.message, /^GpuNodePool "train": /);
        assert.match(caught.message, message);
        assert.strictEqual((resources as Array<{ type: string }>).filter((r) => r.type === NODE_POOL).length, 0);
      });
    }

    it("resolves defaults without creating anything (pure core)", () => {
      const spec = resolveGpuNodePoolArgs("train", args());
      assert.deepStrictEqual(
        {
          min: spec.min,
          max: spec.max,
          gpus: spec.gpusPerNode,
          driver: spec.driverVersion,
          capacity: spec.capacity.type,
          shiftable: spec.shiftable,
          workload: spec.workloadType,
          disk: spec.diskSizeGb,
          streaming: spec.imageStreaming,
          compact: spec.compactPlacement,
          policy: spec.locationPolicy,
        },
        {
          min: 0,
          max: 3,
          gpus: 1,
          driver: "DEFAULT",
          capacity: "on-demand",
          shiftable: true,
          workload: "training",
          disk: 200,
          streaming: true,
          compact: false,
          policy: "ANY",
        },
      );
    });
  });

  describe("what workloads may ask of a node (components/compute/gpu-pool-rules.ts)", () => {
    it("never sizes a workload above GKE's allocatable CPU and memory less room for sidecars and DaemonSets: a g2-standard-8 gives 26 GiB, a g2-standard-4 11 GiB", () => {
      // Regression: allocatablePerNode gave 27 GiB on a g2-standard-8 (85 % of 32 GiB) and 13 GiB on a
      // g2-standard-4, while GKE leaves 27.31 GiB and 12.87 GiB (plan-node-sizes; gkeAllocatable): a
      // model sized to the node never fit it beside Knative's queue-proxy (the simulation found it).
      assert.deepStrictEqual(allocatablePerNode({ machineType: "g2-standard-8", accelerator: { type: "nvidia-l4" } }), {
        cpu: 7,
        memoryGi: 26,
      });
      assert.deepStrictEqual(allocatablePerNode({ machineType: "g2-standard-4", accelerator: { type: "nvidia-l4" } }), {
        cpu: 3,
        memoryGi: 11,
      });
      for (const type of ACCELERATOR_TYPES) {
        for (const [machineType, machine] of Object.entries(GPU_CATALOG[type].machineTypes)) {
          const sized = allocatablePerNode({ machineType, accelerator: { type } });
          const gke = gkeAllocatable(machine.vcpus, machine.memoryGb, false);
          assert.ok(
            (sized.cpu + NODE_HEADROOM.cpu) * 1000 <= gke.cpuMilli &&
              (sized.memoryGi + NODE_HEADROOM.memoryGi) * 2 ** 30 <= gke.memoryBytes,
            `${machineType}: ${JSON.stringify(sized)} vs ${JSON.stringify(gke)}`,
          );
        }
      }
    });

    it("lets a container ask for one shared GPU where GPUs are time-shared, or shared with MPS on a node of several GPUs (GKE concepts/timesharing-gpus)", () => {
      const limit = (machineType: string, strategy?: "TIME_SHARING" | "MPS") =>
        gpusPerContainerLimit({
          machineType,
          accelerator: { type: "nvidia-l4", ...(strategy ? { sharing: { strategy, maxClientsPerGpu: 4 } } : {}) },
        });
      assert.deepStrictEqual(
        [
          limit("g2-standard-8"),
          limit("g2-standard-8", "TIME_SHARING"),
          limit("g2-standard-8", "MPS"),
          limit("g2-standard-24", "MPS"),
        ],
        [undefined, 1, undefined, 1],
      );
    });
  });

  it("creates exactly one node pool, parented to the component", async () => {
    const result = await run(() => new GpuNodePool("train", args()));
    const component = one(result, "cnai:compute:GpuNodePool", "train");
    assert.strictEqual(all(result, NODE_POOL).length, 1);
    assert.strictEqual(one(result, NODE_POOL).parent, component.urn);
  });
});
