import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import type { PodGroup } from "../../../policies/lib/analysis/workloads/model";
import type { NodeShape } from "../../../policies/lib/analysis/workloads/scheduling/node-shapes";
import {
  type PoolOverhead,
  placeDaemon,
  placeWorkload,
  podDemand,
  podsThatFit,
  poolMismatch,
} from "../../../policies/lib/analysis/workloads/scheduling/placement";

type Props = JsonObject;
const Gi = 2 ** 30;

/** A node shape as the scheduler sees a pool's nodes; cpu in millicores, memory in bytes. */
function shape(pool: string, options: Partial<NodeShape> = {}): NodeShape {
  return {
    pool,
    urn: `urn:${pool}`,
    machineType: "e2-standard-4",
    maxNodes: 1,
    capacity: "on-demand",
    labels: { "cloud.google.com/gke-nodepool": pool },
    zones: ["us-central1-a"],
    taints: [],
    allocatable: { cpu: 4000, memory: 16 * Gi, pods: 110 },
    queued: false,
    ...options,
  };
}

const app = (requests: Record<string, string>, extra: Props = {}): Props => ({
  name: "app",
  resources: { requests, limits: requests },
  ...extra,
});

function group(name: string, spec: Props, count = 1, options: Partial<PodGroup> = {}): PodGroup {
  return {
    name,
    count,
    pod: { metadata: { name, namespace: "team", labels: { app: name }, annotations: {} }, spec },
    injected: [],
    ...options,
  };
}

const NO_OVERHEAD: PoolOverhead = { amounts: new Map(), hostPorts: new Map() };
const overheadOf = (pool: string, amounts: Props, ports: string[] = []): PoolOverhead => ({
  amounts: new Map([[pool, amounts]]),
  hostPorts: new Map([[pool, new Set(ports)]]),
});
const ANTI_HOSTNAME = (name: string): Props => ({
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: name } } },
    ],
  },
});
const ANTI_ZONE = (name: string): Props => ({
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      { topologyKey: "topology.kubernetes.io/zone", labelSelector: { matchLabels: { app: name } } },
    ],
  },
});

/**
 * Placement of a workload's Pods on the pools at their maximum size, as kube-scheduler's filters
 * decide a node (pkg/scheduler/framework/plugins: NodeAffinity, TaintToleration, NodePorts
 * "node(s) didn't have free ports for the requested pod ports", NodeResourcesFit "Insufficient
 * <resource>" against allocatable less what the node's Pods request) and the cluster autoscaler adds
 * nodes up to a pool's maximum; GKE's queued provisioning (nodes only for a ProvisioningRequest,
 * annotation cluster-autoscaler.kubernetes.io/consume-provisioning-request) and GPU sharing (the
 * kubelet refuses a container asking for more than one shared GPU).
 */
describe("workload simulation: placing Pods on node pools (kube-scheduler filters, cluster-autoscaler)", () => {
  describe("podDemand: the requests NodeResourcesFit counts, and one Pod slot", () => {
    it("counts one Pod and leaves out resources requested at zero", () => {
      assert.deepStrictEqual(podDemand({ containers: [app({ cpu: "0", memory: "1Gi" })] }), { memory: Gi, pods: 1 });
      assert.deepStrictEqual(podDemand({ containers: [{ name: "app" }] }), { pods: 1 });
    });
  });

  describe("poolMismatch: why a pool's nodes cannot take the Pod", () => {
    it("refuses a queued-provisioning pool to a Pod without the consume-provisioning-request annotation", () => {
      const queued = shape("dws", { queued: true });
      const spec = { containers: [app({ cpu: "1" })] };
      const refused = poolMismatch(spec, {}, queued);
      assert.strictEqual(refused?.kind, "queued");
      assert.match(refused?.reason ?? "", /queued provisioning.*ProvisioningRequest/);
      assert.strictEqual(
        poolMismatch(spec, { "cluster-autoscaler.kubernetes.io/consume-provisioning-request": "pr-1" }, queued),
        undefined,
      );
    });

    describe("GPU sharing: at most one shared nvidia.com/gpu per container (GKE time-sharing and MPS docs)", () => {
      const shared = (gpuSharing: string) =>
        shape("shared", {
          allocatable: { cpu: 4000, memory: 16 * Gi, pods: 110, "nvidia.com/gpu": 4 },
          gpusPerContainer: 1,
          gpuSharing,
        });
      const cases: Array<[string, Props, boolean]> = [
        ["a limit of 1", { limits: { "nvidia.com/gpu": "1" } }, true],
        ["a limit of 2", { limits: { "nvidia.com/gpu": "2" } }, false],
        ["a request of 2 without a limit", { requests: { "nvidia.com/gpu": "2" } }, false],
        ["a request of 1", { requests: { "nvidia.com/gpu": "1" } }, true],
        ["no GPU", { requests: { cpu: "1" } }, true],
        ["a cpu limit only", { limits: { cpu: "1" } }, true],
      ];
      for (const [name, resources, admitted] of cases) {
        it(`${name}: ${admitted ? "admitted" : "refused"}`, () => {
          const spec = { containers: [{ name: "worker", resources }] };
          const mismatch = poolMismatch(spec, {}, shared("TIME_SHARING"));
          if (admitted) assert.strictEqual(mismatch, undefined);
          else {
            assert.strictEqual(mismatch?.kind, "gpu-sharing");
            assert.match(mismatch?.reason ?? "", /container worker asks for more than 1 shared nvidia\.com\/gpu/);
            assert.match(mismatch?.reason ?? "", /UnexpectedAdmissionError.*\(time-sharing\).* on GPU nodes/);
          }
        });
      }

      it("admits a container without resources", () => {
        assert.strictEqual(poolMismatch({ containers: [{ name: "bare" }] }, {}, shared("TIME_SHARING")), undefined);
      });

      it("names MPS and multi-GPU nodes for an MPS pool, and checks init containers too", () => {
        const spec = {
          initContainers: [{ name: "warmup", resources: { limits: { "nvidia.com/gpu": "2" } } }],
          containers: [{ name: "worker", resources: { limits: { "nvidia.com/gpu": "1" } } }],
        };
        const mismatch = poolMismatch(spec, {}, shared("MPS"));
        assert.strictEqual(mismatch?.kind, "gpu-sharing");
        assert.match(mismatch?.reason ?? "", /container warmup .*\(MPS\).* on multi-GPU nodes/);
      });

      it("lets a container ask for several GPUs where the pool does not share them", () => {
        const whole = shape("whole", { allocatable: { cpu: 4000, memory: 16 * Gi, pods: 110, "nvidia.com/gpu": 4 } });
        assert.strictEqual(
          poolMismatch({ containers: [{ name: "w", resources: { limits: { "nvidia.com/gpu": "4" } } }] }, {}, whole),
          undefined,
        );
      });
    });

    it("refuses a pool whose DaemonSets hold one of the Pod's host ports (NodePorts), and admits other ports", () => {
      const spec = { containers: [app({ cpu: "1" }, { ports: [{ containerPort: 80, hostPort: 80 }] })] };
      const refused = poolMismatch(spec, {}, shape("p"), {}, new Set(["TCP/80"]));
      assert.strictEqual(refused?.kind, "ports");
      assert.match(refused?.reason ?? "", /^node\(s\) didn't have free ports for the requested pod ports \(TCP\/80 /);
      assert.strictEqual(poolMismatch(spec, {}, shape("p"), {}, new Set(["UDP/80"])), undefined);
      const two = {
        containers: [
          app(
            { cpu: "1" },
            {
              ports: [
                { containerPort: 80, hostPort: 80 },
                { containerPort: 443, hostPort: 443 },
              ],
            },
          ),
        ],
      };
      assert.match(
        poolMismatch(two, {}, shape("p"), {}, new Set(["TCP/80", "TCP/443"]))?.reason ?? "",
        /\(TCP\/443, TCP\/80 held by the pool's DaemonSets\)$/,
      );
    });

    describe("resources: Insufficient <resource> against allocatable less the DaemonSets' requests (NodeResourcesFit)", () => {
      it("admits a Pod asking exactly what is left, and refuses one asking 1m more", () => {
        const pool = shape("p");
        assert.strictEqual(poolMismatch({ containers: [app({ cpu: "3" })] }, {}, pool, { cpu: 1000 }), undefined);
        const refused = poolMismatch({ containers: [app({ cpu: "3001m" })] }, {}, pool, { cpu: 1000 });
        assert.strictEqual(refused?.kind, "resources");
        assert.strictEqual(refused?.reason, "Insufficient cpu (needs 3001m, a node offers 3 after 1 for DaemonSets)");
        assert.strictEqual(
          poolMismatch({ containers: [app({ cpu: "5" })] }, {}, pool)?.reason,
          "Insufficient cpu (needs 5, a node offers 4)",
        );
      });

      it("refuses a resource the nodes do not offer, saying why a GPU machine offers no GPUs", () => {
        const spec = { containers: [app({ "nvidia.com/gpu": "1" })] };
        assert.strictEqual(
          poolMismatch(spec, {}, shape("p"))?.reason,
          "Insufficient nvidia.com/gpu (needs 1, the nodes offer none)",
        );
        const noDriver = shape("p", { noGpusBecause: "no driver" });
        assert.strictEqual(
          poolMismatch(spec, {}, noDriver)?.reason,
          "Insufficient nvidia.com/gpu (needs 1, the nodes offer none: no driver)",
        );
        assert.strictEqual(
          poolMismatch({ containers: [app({ "example.com/fpga": "1" })] }, {}, noDriver)?.reason,
          "Insufficient example.com/fpga (needs 1, the nodes offer none)",
        );
      });

      it("does not check cpu and memory on a machine type of unknown shape, but still other resources", () => {
        const unknown = shape("p", { allocatable: { pods: 110 }, unknownShape: "machine type x-1 is unknown" });
        assert.strictEqual(poolMismatch({ containers: [app({ cpu: "64", memory: "512Gi" })] }, {}, unknown), undefined);
        assert.match(
          poolMismatch({ containers: [app({ "nvidia.com/gpu": "1" })] }, {}, unknown)?.reason ?? "",
          /^Insufficient nvidia\.com\/gpu/,
        );
        const known = shape("p", { allocatable: { pods: 110 } });
        assert.strictEqual(
          poolMismatch({ containers: [app({ memory: "1Gi" })] }, {}, known)?.reason,
          "Insufficient memory (needs 1Gi, the nodes offer none)",
        );
      });
    });
  });

  describe("placeWorkload: no pool can run the Pod", () => {
    const run = (spec: Props, shapes: NodeShape[], overhead = NO_OVERHEAD) => {
      const { problems, placements } = placeWorkload([group("web", spec)], shapes, overhead, false);
      assert.strictEqual(problems.length, 1);
      assert.strictEqual(problems[0].step, "Scheduler");
      assert.strictEqual(problems[0].pod, "web");
      assert.deepStrictEqual(placements[0].pools, []);
      return problems[0];
    };

    it("says the plan declares no pool", () => {
      const p = run({ containers: [app({ cpu: "1" })] }, []);
      assert.strictEqual(p.message, "0/0 node pools can run it: no node pools");
      assert.match(p.fix, /add a node pool/);
    });

    it("names the wanted pool when the node selector names one that does not exist", () => {
      const p = run({ nodeSelector: { "cloud.google.com/gke-nodepool": "gpu" }, containers: [app({ cpu: "1" })] }, [
        shape("a"),
        shape("b"),
      ]);
      assert.match(p.message, /^0\/2 node pools can run it: a: node selector .*; b: node selector /);
      assert.match(p.fix, /no node pool is named gpu: select one of a, b/);
    });

    it("asks to change the selector when it names labels no pool has", () => {
      const p = run({ nodeSelector: { "example.com/tier": "gold" }, containers: [app({ cpu: "1" })] }, [
        shape("a"),
        shape("b"),
      ]);
      assert.match(p.fix, /change the node selector or affinity to match a pool \(a, b\)/);
    });

    it("asks for a toleration of the taint of the first pool the selector admits", () => {
      const taints = [{ key: "dedicated", value: "ml", effect: "NoSchedule" as const }];
      const p = run({ containers: [app({ cpu: "1" })] }, [shape("ml", { taints })]);
      assert.match(p.message, /ml: untolerated taint dedicated=ml:NoSchedule/);
      assert.match(p.fix, /add a toleration for the taint of ml \(dedicated=ml:NoSchedule\)/);
    });

    it("asks to queue through Kueue's ProvisioningRequest check for a queued-provisioning pool", () => {
      const p = run({ containers: [app({ cpu: "1" })] }, [shape("dws", { queued: true })]);
      assert.match(p.fix, /ProvisioningRequest admission check/);
    });

    it("asks for one shared GPU per container, citing GKE's GPU sharing docs", () => {
      const shared = shape("shared", {
        allocatable: { cpu: 4000, memory: 16 * Gi, pods: 110, "nvidia.com/gpu": 4 },
        gpusPerContainer: 1,
        gpuSharing: "TIME_SHARING",
      });
      const p = run({ containers: [{ name: "w", resources: { limits: { "nvidia.com/gpu": "2" } } }] }, [shared]);
      assert.match(p.fix, /ask for 1 nvidia\.com\/gpu per container on shared/);
      assert.match(p.source, /timesharing-gpus/);
      // One shared pool among others is enough to cite GKE's GPU sharing docs.
      const mixed = run({ containers: [app({ "nvidia.com/gpu": "2" })] }, [shape("p"), shared]);
      assert.match(mixed.source, /timesharing-gpus/);
      const plain = run({ containers: [app({ cpu: "9" })] }, [shape("p")]);
      assert.doesNotMatch(plain.source, /timesharing-gpus/);
      assert.match(plain.source, /NodeResourcesFit/);
    });

    it("asks for other host ports than the pool's DaemonSets", () => {
      const p = run(
        { containers: [app({ cpu: "1" }, { ports: [{ containerPort: 53, hostPort: 53, protocol: "UDP" }] })] },
        [shape("p")],
        overheadOf("p", {}, ["UDP/53"]),
      );
      assert.match(p.fix, /use other host ports than the DaemonSets of p/);
    });

    it("asks to install the GPU driver where the nodes offer no GPU for that reason", () => {
      const p = run({ containers: [app({ "nvidia.com/gpu": "1" })] }, [
        shape("g", { noGpusBecause: "driver disabled" }),
      ]);
      assert.match(p.fix, /let GKE install the GPU driver on g/);
      const cpu = run({ containers: [app({ cpu: "9" })] }, [shape("g", { noGpusBecause: "driver disabled" })]);
      assert.match(cpu.fix, /ask for less per Pod \(cpu=9, pods=1\) or use a larger machine type for g/);
    });
  });

  describe("placeWorkload: Pods that do not all fit at the pools' maximum size", () => {
    it("says how many of how many never fit, and that the pool holds the rest", () => {
      const { problems, placements } = placeWorkload(
        [group("web", { containers: [app({ cpu: "1500m" })] }, 5)],
        [shape("p", { maxNodes: 2 })],
        NO_OVERHEAD,
        false,
      );
      // 2 per 4-cpu node, 2 nodes.
      assert.strictEqual(placements[0].placed, 4);
      assert.deepStrictEqual(placements[0].nodes, { p: 2 });
      assert.strictEqual(
        problems[0].message,
        "1 of 5 Pods (cpu=1500m, pods=1 each) never fit: p (max 2 nodes) at the maximum size holds 4",
      );
      assert.match(problems[0].fix, /raise the autoscaling maximum of p, or run fewer or smaller Pods/);
      assert.match(problems[0].source, /NodeResourcesFit\); cluster-autoscaler/);
      assert.doesNotMatch(problems[0].source, /PodTopologySpread/);
    });

    it("says the pools hold (plural) across several candidate pools", () => {
      const { problems } = placeWorkload(
        [group("web", { containers: [app({ cpu: "3" })] }, 3)],
        [shape("a"), shape("b")],
        NO_OVERHEAD,
        false,
      );
      assert.match(problems[0].message, /a \(max 1 nodes\), b \(max 1 nodes\) at the maximum size hold 2$/);
      assert.match(problems[0].fix, /raise the autoscaling maximum of a or b/);
    });

    it("subtracts the DaemonSets' requests from every new node", () => {
      const { problems, placements } = placeWorkload(
        // 2 x 1600m fit a 4-cpu node, not one whose DaemonSets hold 1 cpu.
        [group("web", { containers: [app({ cpu: "1600m" })] }, 2)],
        [shape("p")],
        overheadOf("p", { cpu: 1000 }),
        false,
      );
      assert.strictEqual(placements[0].placed, 1);
      assert.match(problems[0].message, /^1 of 2 Pods/);
    });

    it("places Pods of a machine type of unknown shape without checking cpu and memory", () => {
      const unknown = shape("p", { allocatable: { pods: 110 }, unknownShape: "unknown", maxNodes: 1 });
      const { problems, placements } = placeWorkload(
        [group("web", { containers: [app({ cpu: "3", memory: "1Gi" })] }, 3)],
        [unknown],
        NO_OVERHEAD,
        false,
      );
      assert.deepStrictEqual(problems, []);
      assert.strictEqual(placements[0].placed, 3);
    });

    it("keeps one replica per node under hostname anti-affinity, and says so", () => {
      const { problems, placements } = placeWorkload(
        [group("web", { affinity: ANTI_HOSTNAME("web"), containers: [app({ cpu: "100m" })] }, 3)],
        [shape("p", { maxNodes: 2 })],
        NO_OVERHEAD,
        false,
      );
      assert.strictEqual(placements[0].placed, 2);
      assert.match(
        problems[0].message,
        /holds 2 \(one per node: required anti-affinity on kubernetes\.io\/hostname\)$/,
      );
      assert.match(problems[0].fix, /spread it over more zones.*relax the anti-affinity/);
      assert.match(problems[0].source, /InterPodAffinity, PodTopologySpread, NodePorts/);
    });

    it("keeps one replica per node for host ports, naming them, and a hostname spread too", () => {
      const ports = [
        { containerPort: 80, hostPort: 80 },
        { containerPort: 443, hostPort: 443 },
      ];
      const spec = {
        topologySpreadConstraints: [
          {
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "DoNotSchedule",
            maxSkew: 1,
            labelSelector: { matchLabels: { app: "web" } },
          },
        ],
        containers: [app({ cpu: "100m" }, { ports })],
      };
      const { problems } = placeWorkload([group("web", spec, 3)], [shape("a"), shape("b")], NO_OVERHEAD, false);
      assert.match(
        problems[0].message,
        /hold 2 \(one per node: host ports TCP\/443, TCP\/80; topology spread on kubernetes\.io\/hostname, maxSkew 1\)$/,
      );
      assert.match(problems[0].fix, /^raise the autoscaling maximum of a or b \(or spread it over more zones\)/);
    });

    it("keeps one replica per zone under zone anti-affinity: 1 zone, 2 zones", () => {
      for (const [zones, held] of [
        [["us-central1-a"], "1 zone"],
        [["us-central1-a", "us-central1-b"], "2 zones"],
      ] as const) {
        const { problems, placements } = placeWorkload(
          [group("web", { affinity: ANTI_ZONE("web"), containers: [app({ cpu: "100m" })] }, 3)],
          [shape("p", { maxNodes: 5, zones: [...zones] })],
          NO_OVERHEAD,
          false,
        );
        assert.strictEqual(placements[0].placed, zones.length);
        assert.match(problems[0].message, new RegExp(`one per zone: required anti-affinity on the zone, ${held}\\)$`));
      }
    });

    it("names a hostname topology spread's maxSkew among the reasons", () => {
      const spec = {
        topologySpreadConstraints: [
          {
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "DoNotSchedule",
            maxSkew: 1,
            labelSelector: { matchLabels: { app: "web" } },
          },
        ],
        containers: [app({ cpu: "3" })],
      };
      const { problems } = placeWorkload([group("web", spec, 2)], [shape("p")], NO_OVERHEAD, false);
      assert.match(problems[0].message, /\(topology spread on kubernetes\.io\/hostname, maxSkew 1\)$/);
    });

    it("says a gang never starts unless all its Pods fit at once", () => {
      const { problems } = placeWorkload(
        [group("worker", { containers: [app({ cpu: "3" })] }, 2)],
        [shape("p")],
        NO_OVERHEAD,
        true,
      );
      assert.strictEqual(
        problems[0].message,
        "the gang needs all 2 Pods at once (cpu=3, pods=1 each), but p (max 1 nodes) at the maximum size holds 1: the job never starts",
      );
      const two = placeWorkload(
        [group("worker", { containers: [app({ cpu: "3" })] }, 3)],
        [shape("a"), shape("b")],
        NO_OVERHEAD,
        true,
      );
      assert.match(
        two.problems[0].message,
        /a \(max 1 nodes\), b \(max 1 nodes\) at the maximum size hold 2: the job never starts$/,
      );
    });

    it("places a gang whose Pods fit, whatever order its sets come in (largest first)", () => {
      // Two 4-cpu nodes hold 2900m + 900m each; placed small first, the two 900m Pods would share a node.
      const small = group("small", { containers: [app({ cpu: "900m" })] }, 2);
      const big = group("big", { containers: [app({ cpu: "2900m" })] }, 2);
      const { problems, placements } = placeWorkload([small, big], [shape("p", { maxNodes: 2 })], NO_OVERHEAD, true);
      assert.deepStrictEqual(problems, []);
      assert.deepStrictEqual(
        placements.map((p) => [p.group.name, p.placed]),
        [
          ["big", 2],
          ["small", 2],
        ],
      );
    });

    it("places a gang's initializers on their own: they finish before the gang starts", () => {
      const init = group("initializer", { containers: [app({ cpu: "3" })] }, 1, { sequential: true });
      const node = group("node", { containers: [app({ cpu: "3" })] }, 1);
      const { problems } = placeWorkload([init, node], [shape("p")], NO_OVERHEAD, true);
      assert.deepStrictEqual(problems, []);
      const together = placeWorkload(
        [group("a", { containers: [app({ cpu: "3" })] }), group("b", { containers: [app({ cpu: "3" })] })],
        [shape("p")],
        NO_OVERHEAD,
        true,
      );
      assert.strictEqual(together.problems.length, 1);
    });

    it("spreads a gang's second set over nodes the first set opened, one per node under hostname anti-affinity", () => {
      const big = group("big", { containers: [app({ cpu: "3" })] });
      const spread = group("spread", { affinity: ANTI_HOSTNAME("spread"), containers: [app({ cpu: "100m" })] }, 2);
      const { problems, placements } = placeWorkload([big, spread], [shape("p", { maxNodes: 2 })], NO_OVERHEAD, true);
      assert.deepStrictEqual(problems, []);
      assert.deepStrictEqual(
        placements.map((p) => [p.group.name, p.placed, p.nodes]),
        [
          ["big", 1, { p: 1 }],
          ["spread", 2, { p: 2 }],
        ],
      );
    });

    it("places Pods on a machine type of unknown shape next to DaemonSets' cpu requests it cannot check either", () => {
      const unknown = shape("p", { allocatable: { pods: 110 }, unknownShape: "unknown", maxNodes: 1 });
      const { problems, placements } = placeWorkload(
        [group("web", { containers: [app({ cpu: "1" })] }, 2)],
        [unknown],
        overheadOf("p", { cpu: 100, pods: 1 }),
        false,
      );
      assert.deepStrictEqual(problems, []);
      assert.strictEqual(placements[0].placed, 2);
    });

    it("skips DaemonSet groups (placed per node elsewhere)", () => {
      const { problems, placements } = placeWorkload(
        [group("agent", { containers: [app({ cpu: "64" })] }, 1, { daemon: true })],
        [shape("p")],
        NO_OVERHEAD,
        false,
      );
      assert.deepStrictEqual(problems, []);
      assert.deepStrictEqual(placements, []);
    });
  });

  describe("podsThatFit: how many Pods the candidate pools hold at their maximum size", () => {
    const web = group("web", { containers: [app({ cpu: "1" })] });
    it("counts up to the cap, over every candidate pool, less the DaemonSets' requests", () => {
      // 4 per 4-cpu node.
      assert.strictEqual(podsThatFit(web, [shape("p", { maxNodes: 2 })], NO_OVERHEAD, 100), 8);
      assert.strictEqual(podsThatFit(web, [shape("p", { maxNodes: 2 })], NO_OVERHEAD, 5), 5);
      assert.strictEqual(podsThatFit(web, [shape("p", { maxNodes: 2 })], NO_OVERHEAD, 8), 8);
      assert.strictEqual(podsThatFit(web, [shape("a"), shape("b", { maxNodes: 2 })], NO_OVERHEAD, 100), 12);
      assert.strictEqual(podsThatFit(web, [shape("p", { maxNodes: 2 })], overheadOf("p", { cpu: 2000 }), 100), 4);
    });

    it("leaves out pools the Pod cannot use", () => {
      const tainted = shape("t", { maxNodes: 5, taints: [{ key: "dedicated", effect: "NoSchedule" }] });
      assert.strictEqual(podsThatFit(web, [tainted, shape("p")], NO_OVERHEAD, 100), 4);
    });
  });

  describe("placeDaemon: a DaemonSet Pod on every node it selects, next to the other DaemonSets", () => {
    it("reports each selected pool where it does not fit, and lists the pools it runs on", () => {
      const agent = group("agent", { containers: [app({ cpu: "1" })] }, 1, { daemon: true });
      const others = (pool: string): Record<string, number> => (pool === "small" ? { cpu: 3500 } : {});
      const tainted = shape("t", { taints: [{ key: "dedicated", effect: "NoSchedule" }] });
      const placed = placeDaemon(agent, [shape("small"), shape("big"), tainted], others);
      assert.deepStrictEqual(placed.pools, ["small", "big"]);
      assert.strictEqual(placed.problems.length, 1);
      assert.strictEqual(
        placed.problems[0].message,
        "on node pool small: Insufficient cpu (needs 1, a node offers 500m after 3500m for DaemonSets)",
      );
      assert.match(placed.problems[0].fix, /lower the DaemonSet's requests, or use a larger machine type for small/);
    });
  });
});
