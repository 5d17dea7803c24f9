import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import type { PodObject } from "../../../policies/lib/analysis/workloads/model";
import {
  hostPorts,
  type SpreadRule,
  spreadAllows,
  spreadRule,
} from "../../../policies/lib/analysis/workloads/scheduling/pod-spread";

type Props = JsonObject;
const LABELS = { app: "web" };
const pod = (spec: Props, namespace = "team"): PodObject => ({
  metadata: { name: "web", namespace, labels: LABELS, annotations: {} },
  spec,
});
const antiAffinity = (...terms: Props[]): Props => ({
  affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: terms } },
});
const term = (topologyKey: string, extra: Props = {}): Props => ({
  topologyKey,
  labelSelector: { matchLabels: LABELS },
  ...extra,
});
const spread = (extra: Props): Props => ({
  topologyKey: "kubernetes.io/hostname",
  whenUnsatisfiable: "DoNotSchedule",
  maxSkew: 1,
  labelSelector: { matchLabels: LABELS },
  ...extra,
});

/**
 * The scheduler's inter-Pod filters on a set's own replicas: InterPodAffinity
 * (interpodaffinity/filtering.go; PodAffinityTerm's namespaces and namespaceSelector, k8s.io/api
 * core/v1 types.go), PodTopologySpread (podtopologyspread/filtering.go: skew = matching Pods on the
 * node + 1 - the global minimum, which is 0 while fewer domains than minDomains exist;
 * whenUnsatisfiable ScheduleAnyway is a score, not a filter) and NodePorts (nodeports/node_ports.go;
 * hostNetwork makes container ports host ports, core/v1 defaults.go SetDefaults_Pod).
 */
describe("workload simulation: a Pod set's own spread (InterPodAffinity, PodTopologySpread, NodePorts)", () => {
  describe("hostPorts", () => {
    it("lists each host port once as protocol/port, sorted, TCP by default, init containers included", () => {
      const spec: Props = {
        initContainers: [{ name: "i", ports: [{ containerPort: 9000, hostPort: 9000 }] }],
        containers: [
          { name: "a", ports: [{ containerPort: 53, hostPort: 53, protocol: "UDP" }, { containerPort: 8080 }] },
          {
            name: "b",
            ports: [
              { containerPort: 80, hostPort: 80 },
              { containerPort: 80, hostPort: 80 },
            ],
          },
        ],
      };
      assert.deepStrictEqual(hostPorts(spec), ["TCP/80", "TCP/9000", "UDP/53"]);
    });

    it("takes every container port as a host port under hostNetwork, and none without", () => {
      const containers = [{ name: "a", ports: [{ containerPort: 8080 }, { containerPort: 9090, protocol: "UDP" }] }];
      assert.deepStrictEqual(hostPorts({ hostNetwork: true, containers }), ["TCP/8080", "UDP/9090"]);
      assert.deepStrictEqual(hostPorts({ hostNetwork: false, containers }), []);
      assert.deepStrictEqual(hostPorts({ containers: [{ name: "a" }] }), []);
    });
  });

  describe("spreadRule", () => {
    it("keeps one replica per node for a required anti-affinity on kubernetes.io/hostname that selects the replicas", () => {
      assert.deepStrictEqual(spreadRule(pod(antiAffinity(term("kubernetes.io/hostname")))), {
        perNode: 1,
        hostPorts: [],
      });
    });

    it("keeps one replica per node for a host port", () => {
      assert.deepStrictEqual(
        spreadRule(pod({ containers: [{ name: "a", ports: [{ containerPort: 80, hostPort: 80 }] }] })),
        {
          perNode: 1,
          hostPorts: ["TCP/80"],
        },
      );
    });

    it("keeps one replica per zone for the zone label, old or new", () => {
      for (const key of ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"])
        assert.deepStrictEqual(spreadRule(pod(antiAffinity(term(key)))), { perZone: 1, hostPorts: [] }, key);
    });

    it("ignores terms that do not select the replicas, or that look at other namespaces", () => {
      const cases: Props[] = [
        term("kubernetes.io/hostname", { labelSelector: { matchLabels: { app: "db" } } }),
        // A null labelSelector matches no Pod.
        { topologyKey: "kubernetes.io/hostname" },
        term("kubernetes.io/hostname", { namespaces: ["other"] }),
        term("kubernetes.io/hostname", {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "other" } },
        }),
        term("example.com/rack"),
      ];
      for (const t of cases)
        assert.deepStrictEqual(spreadRule(pod(antiAffinity(t))), { hostPorts: [] }, JSON.stringify(t));
    });

    it("counts a term whose namespaces or namespaceSelector include the replicas' namespace (an empty selector: all)", () => {
      const cases: Props[] = [
        term("kubernetes.io/hostname", { namespaces: ["other", "team"] }),
        term("kubernetes.io/hostname", { namespaceSelector: {} }),
        term("kubernetes.io/hostname", {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "team" } },
        }),
        term("kubernetes.io/hostname", { namespaces: ["team"], namespaceSelector: { matchLabels: { x: "y" } } }),
      ];
      for (const t of cases)
        assert.deepStrictEqual(spreadRule(pod(antiAffinity(t))), { perNode: 1, hostPorts: [] }, JSON.stringify(t));
    });

    it("takes the tightest DoNotSchedule hostname spread that selects the replicas, and its minDomains", () => {
      assert.deepStrictEqual(
        spreadRule(
          pod({
            topologySpreadConstraints: [
              spread({ maxSkew: 3 }),
              spread({ maxSkew: 2, minDomains: 4 }),
              spread({ maxSkew: 1, whenUnsatisfiable: "ScheduleAnyway" }),
              spread({ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone" }),
              spread({ maxSkew: 1, labelSelector: { matchLabels: { app: "db" } } }),
            ],
          }),
        ),
        { skew: 2, minDomains: 4, hostPorts: [] },
      );
      assert.deepStrictEqual(
        spreadRule(pod({ topologySpreadConstraints: [spread({ maxSkew: 1, whenUnsatisfiable: "ScheduleAnyway" })] })),
        {
          hostPorts: [],
        },
      );
      assert.deepStrictEqual(spreadRule(pod({})), { hostPorts: [] });
    });
  });

  describe("spreadAllows", () => {
    const cases: Array<[string, SpreadRule, number, number[], boolean]> = [
      ["no rule", { hostPorts: [] }, 5, [5, 0], true],
      ["one per node, empty node", { perNode: 1, hostPorts: [] }, 0, [1, 0], true],
      ["one per node, taken node", { perNode: 1, hostPorts: [] }, 1, [1, 0], false],
      ["maxSkew 1, at the minimum", { skew: 1, hostPorts: [] }, 0, [1, 0], true],
      ["maxSkew 1, one above the minimum", { skew: 1, hostPorts: [] }, 1, [1, 0], false],
      ["maxSkew 1, minimum 1: the node with 1 takes one more", { skew: 1, hostPorts: [] }, 1, [2, 1], true],
      ["maxSkew 1, minimum 1: the node with 2 does not", { skew: 1, hostPorts: [] }, 2, [2, 1], false],
      ["maxSkew 2, one above the minimum", { skew: 2, hostPorts: [] }, 1, [1, 0], true],
      ["no nodes yet", { skew: 1, hostPorts: [] }, 0, [], true],
      ["fewer nodes than minDomains: the minimum is 0", { skew: 1, minDomains: 3, hostPorts: [] }, 1, [1, 1], false],
      ["as many nodes as minDomains: the real minimum", { skew: 1, minDomains: 3, hostPorts: [] }, 1, [1, 1, 1], true],
    ];
    for (const [name, rule, count, counts, expected] of cases) {
      it(`${name}: ${expected}`, () => assert.strictEqual(spreadAllows(rule, count, counts), expected));
    }
  });
});
