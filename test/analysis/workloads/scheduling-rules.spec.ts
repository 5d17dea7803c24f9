import * as assert from "node:assert";
import type { TestResource } from "../../helpers/policy";
import {
  container,
  daemonSet,
  deployment,
  namespace,
  nodePool,
  problems,
  simulate,
  twoPools,
  workload,
} from "./fixtures";

/**
 * Scheduling rules beyond a node's resources, each against its kube-scheduler plugin or admission
 * plugin: InterPodAffinity, PodTopologySpread, NodePorts (pkg/scheduler/framework/plugins), node
 * affinity terms (k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go), the
 * RuntimeClass admission plugin (plugin/pkg/admission/runtimeclass/admission.go) and Pod-level
 * resources (component-helpers resource/helpers.go PodRequests; PodLevelResources on from 1.34).
 */
const small = container({ requests: { cpu: "100m", memory: "64Mi" } });
const threeNodes = nodePool("system", { machineType: "e2-standard-8", max: 3 });
const spread = (replicas: number, podSpec: object) =>
  deployment("team", "spread", { ...podSpec, containers: [small] }, { replicas });
const antiAffinity = (topologyKey: string) => ({
  affinity: {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { topologyKey, labelSelector: { matchLabels: { app: "spread" } } },
      ],
    },
  },
});

describe("workload simulation: scheduling rules (kube-scheduler plugins, RuntimeClass admission)", () => {
  describe("InterPodAffinity: required anti-affinity against the Pod's own replicas (interpodaffinity/filtering.go)", () => {
    it("needs one node per replica on kubernetes.io/hostname: 3 replicas fit a pool of at most 3 nodes, 4 never do", () => {
      const fits = workload(
        simulate([threeNodes, namespace("team"), spread(3, antiAffinity("kubernetes.io/hostname"))]),
        "spread",
      );
      assert.strictEqual(fits.status, "runnable");
      assert.deepStrictEqual(fits.pods[0].placement, { pool: "system", nodes: 3 });
      const over = workload(
        simulate([threeNodes, namespace("team"), spread(4, antiAffinity("kubernetes.io/hostname"))]),
        "spread",
      );
      assert.strictEqual(over.status, "unschedulable");
      assert.match(
        problems(over)[0],
        /1 of 4 Pods .* never fit: system \(max 3 nodes\) at the maximum size holds 3 \(one per node: required anti-affinity on kubernetes\.io\/hostname\)/,
      );
    });

    it("needs one zone per replica on topology.kubernetes.io/zone: 2 replicas never fit a one-zone pool, and fit a two-zone one", () => {
      const antiZone = antiAffinity("topology.kubernetes.io/zone");
      assert.strictEqual(
        workload(simulate([threeNodes, namespace("team"), spread(2, antiZone)]), "spread").status,
        "unschedulable",
      );
      const twoZones = nodePool("system", {
        machineType: "e2-standard-8",
        max: 3,
        zones: ["us-central1-a", "us-central1-b"],
      });
      assert.strictEqual(
        workload(simulate([twoZones, namespace("team"), spread(2, antiZone)]), "spread").status,
        "runnable",
      );
    });

    it("ignores a term that selects other Pods (their placement is not modelled)", () => {
      const other = {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: "db" } } },
            ],
          },
        },
      };
      assert.strictEqual(
        workload(simulate([threeNodes, namespace("team"), spread(4, other)]), "spread").status,
        "runnable",
      );
    });
  });

  describe("PodTopologySpread with whenUnsatisfiable DoNotSchedule on kubernetes.io/hostname (podtopologyspread/filtering.go)", () => {
    it("spreads replicas over minDomains nodes before stacking them: 4 replicas with minDomains 4 never fit 3 nodes; without minDomains they stack", () => {
      const constraint = (minDomains?: number) => ({
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels: { app: "spread" } },
            ...(minDomains ? { minDomains } : {}),
          },
        ],
      });
      assert.strictEqual(
        workload(simulate([threeNodes, namespace("team"), spread(4, constraint(4))]), "spread").status,
        "unschedulable",
      );
      assert.strictEqual(
        workload(simulate([threeNodes, namespace("team"), spread(4, constraint())]), "spread").status,
        "runnable",
      );
    });
  });

  describe("NodePorts: a host port once per node (nodeports/node_ports.go)", () => {
    const hostPort = { containers: [{ ...small, ports: [{ containerPort: 8080, hostPort: 8080 }] }] };
    it("places one replica with a host port per node: 4 never fit 3 nodes", () => {
      const w = workload(
        simulate([threeNodes, namespace("team"), deployment("team", "ports", hostPort, { replicas: 4 })]),
        "ports",
      );
      assert.match(problems(w)[0], /one per node: host ports TCP\/8080/);
    });

    it("keeps a Pod off a pool whose DaemonSets hold its host port (with hostNetwork, container ports are host ports)", () => {
      const exporter = daemonSet("team", "exporter", {
        hostNetwork: true,
        tolerations: [{ operator: "Exists" }],
        containers: [{ ...small, name: "exporter", ports: [{ containerPort: 8080 }] }],
      });
      const w = workload(
        simulate([threeNodes, namespace("team"), exporter, deployment("team", "ports", hostPort)]),
        "ports",
      );
      assert.strictEqual(w.status, "unschedulable");
      assert.match(
        problems(w)[0],
        /system: node\(s\) didn't have free ports for the requested pod ports \(TCP\/8080 held by the pool's DaemonSets\)/,
      );
    });
  });

  describe("required node affinity terms (component-helpers nodeaffinity.go)", () => {
    const terms = (nodeSelectorTerms: object[]) => ({
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } },
      containers: [small],
    });
    it("matches no node with an empty term, and any node a term with an expression matches", () => {
      const section = simulate(
        twoPools(
          namespace("team"),
          deployment("team", "empty", terms([{}])),
          deployment(
            "team",
            "linux",
            terms([{ matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }] }]),
          ),
        ),
      );
      assert.strictEqual(workload(section, "empty").status, "unschedulable");
      assert.match(
        problems(workload(section, "empty"))[0],
        /required node affinity \(an empty term, which selects no node\)/,
      );
      assert.strictEqual(workload(section, "linux").status, "runnable");
    });

    it("takes a term naming nodes by field (matchFields) as met, and notes that the plan cannot know node names", () => {
      const w = workload(
        simulate(
          twoPools(
            namespace("team"),
            deployment(
              "team",
              "named",
              terms([{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-1"] }] }]),
            ),
          ),
        ),
        "named",
      );
      assert.strictEqual(w.status, "runnable");
      assert.ok(
        w.notes.some((n) => n.includes("matchFields")),
        w.notes.join("; "),
      );
    });
  });

  describe("RuntimeClass admission (plugin/pkg/admission/runtimeclass/admission.go)", () => {
    const runtimeClass = (name: string, extra: object = {}): TestResource => ({
      type: "kubernetes:node.k8s.io/v1:RuntimeClass",
      name: `rc-${name}`,
      inputs: { apiVersion: "node.k8s.io/v1", kind: "RuntimeClass", metadata: { name }, handler: "runc", ...extra },
    });
    it("refuses a Pod naming a RuntimeClass that does not exist", () => {
      const w = workload(
        simulate(
          twoPools(
            namespace("team"),
            deployment("team", "sandboxed", { runtimeClassName: "gvisor", containers: [small] }),
          ),
        ),
        "sandboxed",
      );
      assert.strictEqual(w.status, "refused");
      assert.deepStrictEqual(problems(w), ['RuntimeClass: pod rejected: RuntimeClass "gvisor" not found']);
    });

    it("adds a declared class's overhead to what the Pod asks of a node, and refuses a Pod that sets overhead without a class", () => {
      const section = simulate(
        twoPools(
          namespace("team"),
          runtimeClass("kata", { overhead: { podFixed: { cpu: "250m", memory: "160Mi" } } }),
          deployment("team", "kata", { runtimeClassName: "kata", containers: [small] }),
          deployment("team", "own-overhead", { overhead: { cpu: "1" }, containers: [small] }),
        ),
      );
      const kata = workload(section, "kata");
      assert.strictEqual(kata.status, "runnable");
      assert.deepStrictEqual([kata.pods[0].requests.cpu, kata.pods[0].requests.memory], ["350m", "224Mi"]);
      assert.deepStrictEqual(problems(workload(section, "own-overhead")), [
        "RuntimeClass: pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead",
      ]);
    });
  });

  describe("Pod-level resources (spec.resources; PodLevelResources beta and on by default from Kubernetes 1.34, kube_features.go)", () => {
    const podLevel = deployment("team", "pod-level", {
      resources: { requests: { cpu: "64", memory: "1Gi" }, limits: { cpu: "64", memory: "1Gi" } },
      containers: [container()],
    });
    it("counts them on a 1.35 cluster: 64 CPUs fit no node", () => {
      const w = workload(simulate(twoPools(namespace("team"), podLevel)), "pod-level");
      assert.strictEqual(w.status, "unschedulable");
      assert.strictEqual(w.pods[0].requests.cpu, "64");
    });

    it("drops them on a 1.33 cluster, where the feature is off, and says so", () => {
      const cluster: TestResource = {
        type: "gcp:container/cluster:Cluster",
        name: "gke",
        inputs: { name: "gke", location: "us-central1", minMasterVersion: "1.33", removeDefaultNodePool: true },
      };
      const w = workload(simulate([...twoPools(namespace("team"), podLevel), cluster]), "pod-level");
      assert.strictEqual(w.status, "runnable");
      assert.ok(
        w.notes.some((n) => n.includes("Pod-level spec.resources dropped")),
        w.notes.join("; "),
      );
    });
  });
});
