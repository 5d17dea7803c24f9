import * as assert from "node:assert";
import type { NamespaceFacts } from "../../../policies/lib/analysis/workloads/admission/namespaces";
import {
  admitQuota,
  podQuotaUsage,
  type QuotaUsage,
  quotaSelects,
} from "../../../policies/lib/analysis/workloads/admission/resource-quota";
import type { PodObject, Props } from "../../../policies/lib/analysis/workloads/model";
import { amountOf } from "../../../policies/lib/analysis/workloads/quantity";

/**
 * The ResourceQuota admission step, unit by unit, against kubernetes pkg/quota/v1/evaluator/core/pods.go
 * (podComputeUsageHelper, podMatchesScopeFunc, Constraints) and plugin/pkg/admission/resourcequota/controller.go
 * (CheckRequest, getScopeSelectorsFromQuota, UncoveredQuotaScopes).
 */
const pod = (spec: Props, namespace = "team"): PodObject => ({
  metadata: { name: "p", namespace, labels: {}, annotations: {} },
  spec,
});
const box = (resources: Props, name = "app"): Props => ({ name, image: "app:1", resources });
const ns = (quotas: Array<{ name: string; spec: Props }>, name = "team"): NamespaceFacts => ({
  name,
  declared: true,
  labels: { "kubernetes.io/metadata.name": name },
  limitRanges: [],
  quotas,
});
/** Amounts in the simulation's units, converted from Kubernetes quantities. */
const amounts = (quantities: Record<string, string>): Record<string, number> =>
  Object.fromEntries(Object.entries(quantities).map(([n, q]) => [n, amountOf(n, q)!]));

describe("ResourceQuota: what a Pod counts (pods.go PodUsageFunc, podComputeUsageHelper)", () => {
  it("counts cpu, memory and ephemeral-storage requests under both names and limits as limits.*, huge pages under both names, extended resources only as requests.<name>", () => {
    const usage = podQuotaUsage({
      containers: [
        box({
          requests: {
            cpu: "500m",
            memory: "1Gi",
            "ephemeral-storage": "2Gi",
            "hugepages-2Mi": "64Mi",
            "nvidia.com/gpu": "1",
          },
          limits: {
            cpu: "2",
            memory: "3Gi",
            "ephemeral-storage": "4Gi",
            "hugepages-2Mi": "64Mi",
            "nvidia.com/gpu": "1",
          },
        }),
      ],
    });
    assert.deepStrictEqual(
      usage,
      amounts({
        pods: "1",
        "count/pods": "1",
        cpu: "500m",
        "requests.cpu": "500m",
        "limits.cpu": "2",
        memory: "1Gi",
        "requests.memory": "1Gi",
        "limits.memory": "3Gi",
        "ephemeral-storage": "2Gi",
        "requests.ephemeral-storage": "2Gi",
        "limits.ephemeral-storage": "4Gi",
        "hugepages-2Mi": "64Mi",
        "requests.hugepages-2Mi": "64Mi",
        "requests.nvidia.com/gpu": "1",
      }),
    );
  });

  it("counts only what the containers state: a limit-only or request-only resource has one side, a BestEffort Pod only itself", () => {
    assert.deepStrictEqual(podQuotaUsage({ containers: [box({})] }), amounts({ pods: "1", "count/pods": "1" }));
    assert.deepStrictEqual(
      podQuotaUsage({ containers: [box({ limits: { memory: "1Gi" }, requests: { cpu: "1" } })] }),
      amounts({ pods: "1", "count/pods": "1", cpu: "1", "requests.cpu": "1", "limits.memory": "1Gi" }),
    );
  });
});

describe("ResourceQuota scopes (pods.go podMatchesScopeFunc; controller.go getScopeSelectorsFromQuota)", () => {
  const guaranteed = box({ requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } });
  const scoped = (scopeName: string, operator?: string, values?: string[]): Props => ({
    scopeSelector: {
      matchExpressions: [{ scopeName, ...(operator ? { operator } : {}), ...(values ? { values } : {}) }],
    },
  });
  const cases: Array<[string, Props, Props, boolean]> = [
    // isTerminating: activeDeadlineSeconds != nil && >= 0.
    ["Terminating, no deadline", { scopes: ["Terminating"] }, { containers: [guaranteed] }, false],
    [
      "Terminating, deadline 600",
      { scopes: ["Terminating"] },
      { activeDeadlineSeconds: 600, containers: [guaranteed] },
      true,
    ],
    ["NotTerminating, no deadline", { scopes: ["NotTerminating"] }, { containers: [guaranteed] }, true],
    [
      "NotTerminating, deadline 600",
      { scopes: ["NotTerminating"] },
      { containers: [guaranteed], activeDeadlineSeconds: 600 },
      false,
    ],
    // qos.GetPodQOS: BestEffort when no container (init containers included) requests or limits cpu or memory.
    ["BestEffort, no resources", { scopes: ["BestEffort"] }, { containers: [box({})] }, true],
    ["BestEffort, container without resources", { scopes: ["BestEffort"] }, { containers: [{ name: "a" }] }, true],
    [
      "BestEffort, only an extended resource (not a QoS resource)",
      { scopes: ["BestEffort"] },
      { containers: [box({ limits: { "nvidia.com/gpu": "1" } })] },
      true,
    ],
    [
      "BestEffort, cpu request only",
      { scopes: ["BestEffort"] },
      { containers: [box({ requests: { cpu: "1" } })] },
      false,
    ],
    [
      "BestEffort, memory limit only",
      { scopes: ["BestEffort"] },
      { containers: [box({ limits: { memory: "1Gi" } })] },
      false,
    ],
    [
      "BestEffort, one of two containers with cpu",
      { scopes: ["BestEffort"] },
      { containers: [box({}, "a"), box({ requests: { cpu: "1" } }, "b")] },
      false,
    ],
    [
      "BestEffort, an init container with memory",
      { scopes: ["BestEffort"] },
      { initContainers: [box({ requests: { memory: "1Gi" } }, "init")], containers: [box({})] },
      false,
    ],
    ["NotBestEffort, no resources", { scopes: ["NotBestEffort"] }, { containers: [box({})] }, false],
    ["NotBestEffort, guaranteed", { scopes: ["NotBestEffort"] }, { containers: [guaranteed] }, true],
    // PriorityClass: Exists is len(priorityClassName) != 0; others a label selector on {PriorityClass: name}, no label without a name.
    ["PriorityClass In, named", scoped("PriorityClass", "In", ["high"]), { priorityClassName: "high" }, true],
    ["PriorityClass In, other name", scoped("PriorityClass", "In", ["high"]), { priorityClassName: "low" }, false],
    ["PriorityClass In, no name", scoped("PriorityClass", "In", ["high"]), {}, false],
    ["PriorityClass NotIn, named", scoped("PriorityClass", "NotIn", ["high"]), { priorityClassName: "high" }, false],
    ["PriorityClass NotIn, other name", scoped("PriorityClass", "NotIn", ["high"]), { priorityClassName: "low" }, true],
    ["PriorityClass NotIn, no name", scoped("PriorityClass", "NotIn", ["high"]), {}, true],
    ["PriorityClass Exists, named", scoped("PriorityClass", "Exists"), { priorityClassName: "low" }, true],
    ["PriorityClass Exists, no name", scoped("PriorityClass", "Exists"), {}, false],
    ["scopes [PriorityClass], named", { scopes: ["PriorityClass"] }, { priorityClassName: "low" }, true],
    ["scopes [PriorityClass], no name", { scopes: ["PriorityClass"] }, {}, false],
    ["PriorityClass DoesNotExist, named", scoped("PriorityClass", "DoesNotExist"), { priorityClassName: "low" }, false],
    ["PriorityClass DoesNotExist, no name", scoped("PriorityClass", "DoesNotExist"), {}, true],
    ["PriorityClass, unknown operator", scoped("PriorityClass", "Gt", ["1"]), { priorityClassName: "high" }, false],
    ["an unknown scope", { scopes: ["Bogus"] }, { containers: [guaranteed] }, false],
    // Several scopes are ANDed.
    [
      "BestEffort and NotTerminating, both",
      { scopes: ["BestEffort", "NotTerminating"] },
      { containers: [box({})] },
      true,
    ],
    [
      "BestEffort and a PriorityClass selector, only one",
      { scopes: ["BestEffort"], ...scoped("PriorityClass", "In", ["high"]) },
      { containers: [box({})] },
      false,
    ],
    ["no scopes", {}, { containers: [guaranteed] }, true],
  ];
  for (const [name, spec, podSpec, selected] of cases)
    it(`${name}: ${selected ? "selects" : "does not select"} the Pod`, () => {
      assert.strictEqual(quotaSelects(spec, pod(podSpec)), selected);
    });

  describe("CrossNamespacePodAffinity (pods.go usesCrossNamespacePodAffinity: a term with namespaces or a namespaceSelector)", () => {
    const term = (extra: Props = {}): Props => ({
      labelSelector: { matchLabels: { app: "db" } },
      topologyKey: "kubernetes.io/hostname",
      ...extra,
    });
    const affinityCases: Array<[string, Props | undefined, boolean]> = [
      ["no affinity", undefined, false],
      ["node affinity only", { nodeAffinity: {} }, false],
      [
        "a same-namespace required term",
        { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term()] } },
        false,
      ],
      [
        "a required term with an empty namespaces list",
        { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ namespaces: [] })] } },
        false,
      ],
      [
        "a required podAffinity term naming namespaces",
        { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ namespaces: ["other"] })] } },
        true,
      ],
      [
        "a required podAffinity term with an empty namespaceSelector (all namespaces)",
        { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ namespaceSelector: {} })] } },
        true,
      ],
      [
        "a same-namespace term and a cross-namespace one",
        {
          podAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [term(), term({ namespaces: ["other"] })],
          },
        },
        true,
      ],
      [
        "a preferred podAntiAffinity term with a namespaceSelector",
        {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 1, podAffinityTerm: term({ namespaceSelector: { matchLabels: { team: "a" } } }) },
            ],
          },
        },
        true,
      ],
      [
        "a preferred podAntiAffinity term in its own namespace",
        {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: term() }],
          },
        },
        false,
      ],
      [
        "a required podAntiAffinity term naming namespaces",
        { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ namespaces: ["other"] })] } },
        true,
      ],
    ];
    for (const [name, affinity, selected] of affinityCases)
      it(`${name}: ${selected ? "selects" : "does not select"} the Pod`, () => {
        const spec = { containers: [guaranteed], ...(affinity ? { affinity } : {}) };
        assert.strictEqual(quotaSelects({ scopes: ["CrossNamespacePodAffinity"] }, pod(spec)), selected);
      });
  });
});

describe("ResourceQuota admission (controller.go CheckRequest)", () => {
  const critical = (namespace = "team"): PodObject =>
    pod(
      {
        priorityClassName: "system-node-critical",
        containers: [box({ requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "32Mi" } })],
      },
      namespace,
    );

  describe("GKE's limited critical priority classes (limitedResources matchScopes; UncoveredQuotaScopes)", () => {
    it("admits critical Pods in kube-system, where GKE ships the covering quota gcp-critical-pods (openservicemesh/osm#4408)", () => {
      const result = admitQuota(critical("kube-system"), 3, ns([], "kube-system"), new Map(), "agent");
      assert.deepStrictEqual(result, { problems: [], admitted: 3, quotas: [] });
    });

    it("refuses them elsewhere without a covering quota, naming the namespace, the class and the fix", () => {
      const result = admitQuota(
        critical(),
        3,
        ns([{ name: "plain", spec: { hard: { pods: "10" } } }]),
        new Map(),
        "agent",
      );
      assert.strictEqual(result.admitted, 0);
      assert.deepStrictEqual(result.quotas, []);
      assert.strictEqual(result.problems.length, 1);
      const [problem] = result.problems;
      assert.strictEqual(problem.pod, "agent");
      assert.strictEqual(problem.step, "ResourceQuota");
      assert.match(
        problem.message,
        /^insufficient quota to match these scopes: \[\{PriorityClass In \[system-node-critical system-cluster-critical\]\}\]/,
      );
      assert.match(problem.message, /system-node-critical in namespace team/);
      assert.match(problem.fix, /ResourceQuota to namespace team scoped to the PriorityClass/);
      assert.match(problem.fix, /PriorityClass In \[system-node-critical, system-cluster-critical\]/);
      assert.match(problem.source, /plugin\/pkg\/admission\/resourcequota\/controller\.go \(UncoveredQuotaScopes\)/);
    });

    it("counts as covering a quota whose PriorityClass selector matches, even when another of its selectors does not (restrictedScopes gather every quota's matching scopes)", () => {
      const quota = {
        name: "critical-terminating",
        spec: {
          hard: { pods: "1" },
          scopeSelector: {
            matchExpressions: [
              { scopeName: "PriorityClass", operator: "In", values: ["system-node-critical"] },
              { scopeName: "Terminating", operator: "Exists" },
            ],
          },
        },
      };
      // Covered, but the quota does not match the Pod (no deadline), so its pods=1 does not count it.
      assert.deepStrictEqual(admitQuota(critical(), 3, ns([quota]), new Map(), "agent"), {
        problems: [],
        admitted: 3,
        quotas: [],
      });
    });
  });

  it("names each missing cpu/memory resource once, sorted, and how to fix it (Constraints; validationSet)", () => {
    const [problem] = admitQuota(
      pod({ containers: [box({}, "a"), box({ requests: { cpu: "1" } }, "b")] }),
      1,
      ns([{ name: "compute", spec: { hard: { "requests.memory": "1Gi", "limits.cpu": "4", "requests.cpu": "4" } } }]),
      new Map(),
      "web",
    ).problems;
    assert.strictEqual(problem.message, "failed quota: compute: must specify limits.cpu,requests.cpu,requests.memory");
    assert.strictEqual(
      problem.fix,
      "set limits.cpu, requests.cpu, requests.memory on every container (or give namespace team a LimitRange with defaults for them)",
    );
    assert.match(problem.source, /pkg\/quota\/v1\/evaluator\/core\/pods\.go \(Constraints/);
  });

  it("reports only the resources that exceed the quota: one landing exactly on its hard limit is within it", () => {
    const usage: QuotaUsage = new Map();
    const result = admitQuota(
      pod({ containers: [box({ requests: { cpu: "2", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } })] }),
      1,
      ns([{ name: "q", spec: { hard: { pods: "1", "requests.cpu": "1" } } }]),
      usage,
      "web",
    );
    assert.strictEqual(result.admitted, 0);
    assert.deepStrictEqual(result.quotas, ["q"]);
    assert.strictEqual(
      result.problems[0].message,
      "exceeded quota: q, requested: requests.cpu=2, used: requests.cpu=0, limited: requests.cpu=1",
    );
    assert.strictEqual(
      result.problems[0].fix,
      "raise requests.cpu of ResourceQuota q in team, or ask for less (requests.cpu=2 per Pod)",
    );
    assert.match(result.problems[0].source, /controller\.go \(CheckRequest\).*pods\.go \(Usage\)/);
  });

  it("names every resource over the quota in the fix", () => {
    const [problem] = admitQuota(
      pod({ containers: [box({ requests: { cpu: "2", memory: "2Gi" }, limits: { cpu: "2", memory: "2Gi" } })] }),
      1,
      ns([{ name: "q", spec: { hard: { "requests.cpu": "1", "requests.memory": "1Gi" } } }]),
      new Map(),
      "web",
    ).problems;
    assert.strictEqual(
      problem.message,
      "exceeded quota: q, requested: requests.cpu=2, requests.memory=2Gi, used: requests.cpu=0, requests.memory=0, limited: requests.cpu=1, requests.memory=1Gi",
    );
    assert.strictEqual(
      problem.fix,
      "raise requests.cpu, requests.memory of ResourceQuota q in team, or ask for less (requests.cpu=2, requests.memory=2Gi per Pod)",
    );
  });

  it("admits a Pod against hard limits on resources it does not use or asks zero of (only usage above hard is refused)", () => {
    const usage: QuotaUsage = new Map();
    const result = admitQuota(
      pod({ containers: [box({ requests: { cpu: "0", memory: "1Gi" }, limits: { memory: "1Gi" } })] }),
      3,
      ns([
        {
          name: "q",
          spec: { hard: { "requests.cpu": "0", "count/services": "0", "requests.nvidia.com/gpu": "0", pods: "5" } },
        },
      ]),
      usage,
      "web",
    );
    assert.deepStrictEqual(result, { problems: [], admitted: 3, quotas: ["q"] });
    assert.strictEqual(usage.get("team/q")?.pods, 3);
  });

  it("lists every quota that selects the Pod, and counts the admitted Pods in each", () => {
    const usage: QuotaUsage = new Map();
    const quotas = [
      { name: "pods", spec: { hard: { pods: "10" } } },
      { name: "best-effort", spec: { hard: { pods: "10" }, scopes: ["BestEffort"] } },
      { name: "not-best-effort", spec: { hard: { pods: "2" }, scopes: ["NotBestEffort"] } },
    ];
    const web = pod({ containers: [box({ requests: { cpu: "1" } })] });
    const first = admitQuota(web, 3, ns(quotas), usage, "web");
    assert.deepStrictEqual(first.quotas, ["pods", "not-best-effort"]);
    assert.strictEqual(first.admitted, 2);
    assert.strictEqual(usage.get("team/pods")?.pods, 2);
    assert.strictEqual(usage.get("team/not-best-effort")?.pods, 2);
    assert.strictEqual(usage.get("team/best-effort"), undefined);
  });
});
