import * as assert from "node:assert";
import type { NamespaceFacts } from "../../../policies/lib/analysis/workloads/admission/namespaces";
import {
  admitObject,
  defaultStorageClass,
  objectQuotaUsage,
} from "../../../policies/lib/analysis/workloads/admission/object-quota";
import type { QuotaUsage } from "../../../policies/lib/analysis/workloads/admission/resource-quota";
import { indexCluster, type PlanObject } from "../../../policies/lib/analysis/workloads/cluster";
import type { Props } from "../../../policies/lib/analysis/workloads/model";
import { amountOf } from "../../../policies/lib/analysis/workloads/quantity";
import { planOf } from "../../helpers/policy";

/**
 * ResourceQuota's object counts, unit by unit: kubernetes pkg/quota/v1/evaluator/core/services.go and
 * persistent_volume_claims.go (Usage), registry.go (legacyObjectCountAliases: configmaps, secrets,
 * replicationcontrollers, resourcequotas also count under their bare names), apiserver pkg/quota/v1/generic
 * (count/<resource>.<group>; MatchesNoScopeFunc: a scoped quota never matches them) and
 * plugin/pkg/admission/resourcequota/controller.go (CheckRequest).
 */
const object = (kind: string, spec: Props | undefined, name = "obj", extra: Props = {}): PlanObject => ({
  urn: `urn:${kind}:${name}`,
  type: `kubernetes:test:${kind}`,
  name,
  kind,
  namespace: "team",
  objectName: name,
  props: { kind, metadata: { name, namespace: "team" }, ...(spec ? { spec } : {}), ...extra },
});
const ns = (quotas: Array<{ name: string; spec: Props }>): NamespaceFacts => ({
  name: "team",
  declared: true,
  labels: { "kubernetes.io/metadata.name": "team" },
  limitRanges: [],
  quotas,
});
/** Amounts in the simulation's units (a zero as +0: amountOf rounds "0" to -0). */
const amounts = (quantities: Record<string, string>): Record<string, number> =>
  Object.fromEntries(Object.entries(quantities).map(([n, q]) => [n, amountOf(n, q)! + 0]));
const port = (n: number, nodePort?: number): Props => ({ port: n, ...(nodePort ? { nodePort } : {}) });

describe("ResourceQuota object usage (services.go, persistent_volume_claims.go, generic object counts)", () => {
  const cases: Array<[string, PlanObject, Record<string, string> | undefined]> = [
    [
      "a ClusterIP Service (the default type)",
      object("Service", { ports: [port(80)] }),
      { "count/services": "1", services: "1" },
    ],
    [
      "a NodePort Service: one node port per port",
      object("Service", { type: "NodePort", ports: [port(80), port(443)] }),
      { "count/services": "1", services: "1", "services.nodeports": "2" },
    ],
    [
      "a NodePort Service without ports",
      object("Service", { type: "NodePort" }),
      { "count/services": "1", services: "1", "services.nodeports": "0" },
    ],
    [
      "a LoadBalancer Service: a load balancer and its node ports",
      object("Service", { type: "LoadBalancer", ports: [port(80), port(443)] }),
      { "count/services": "1", services: "1", "services.loadbalancers": "1", "services.nodeports": "2" },
    ],
    [
      "a LoadBalancer Service allocating node ports explicitly",
      object("Service", { type: "LoadBalancer", allocateLoadBalancerNodePorts: true, ports: [port(80)] }),
      { "count/services": "1", services: "1", "services.loadbalancers": "1", "services.nodeports": "1" },
    ],
    [
      "a LoadBalancer Service without node port allocation: only the ports naming a nodePort (portsWithNodePorts)",
      object("Service", {
        type: "LoadBalancer",
        allocateLoadBalancerNodePorts: false,
        ports: [port(80), port(443, 30443)],
      }),
      { "count/services": "1", services: "1", "services.loadbalancers": "1", "services.nodeports": "1" },
    ],
    [
      "a ConfigMap (legacy alias configmaps)",
      object("ConfigMap", undefined, "cm", { data: {} }),
      {
        "count/configmaps": "1",
        configmaps: "1",
      },
    ],
    ["a Secret", object("Secret", undefined), { "count/secrets": "1", secrets: "1" }],
    [
      "a Deployment: count/deployments.apps only",
      object("Deployment", { replicas: 3 }),
      { "count/deployments.apps": "1" },
    ],
    ["a Job", object("Job", {}), { "count/jobs.batch": "1" }],
    [
      "a claim of a named class with storage",
      object("PersistentVolumeClaim", {
        storageClassName: "premium-rwo",
        resources: { requests: { storage: "10Gi" } },
      }),
      {
        "count/persistentvolumeclaims": "1",
        persistentvolumeclaims: "1",
        "requests.storage": "10Gi",
        "premium-rwo.storageclass.storage.k8s.io/persistentvolumeclaims": "1",
        "premium-rwo.storageclass.storage.k8s.io/requests.storage": "10Gi",
      },
    ],
    [
      "a claim naming no class: the default class, set by the DefaultStorageClass plugin",
      object("PersistentVolumeClaim", { resources: { requests: { storage: "1Gi" } } }),
      {
        "count/persistentvolumeclaims": "1",
        persistentvolumeclaims: "1",
        "requests.storage": "1Gi",
        "fast.storageclass.storage.k8s.io/persistentvolumeclaims": "1",
        "fast.storageclass.storage.k8s.io/requests.storage": "1Gi",
      },
    ],
    [
      "a claim with an empty class (explicitly none): no per-class usage",
      object("PersistentVolumeClaim", { storageClassName: "", resources: { requests: { storage: "1Gi" } } }),
      { "count/persistentvolumeclaims": "1", persistentvolumeclaims: "1", "requests.storage": "1Gi" },
    ],
    [
      "a claim without a storage request",
      object("PersistentVolumeClaim", { storageClassName: "premium-rwo", resources: {} }),
      {
        "count/persistentvolumeclaims": "1",
        persistentvolumeclaims: "1",
        "premium-rwo.storageclass.storage.k8s.io/persistentvolumeclaims": "1",
      },
    ],
    ["a kind no object count tracks here", object("Pod", {}), undefined],
  ];
  for (const [name, obj, expected] of cases)
    it(name, () => {
      assert.deepStrictEqual(objectQuotaUsage(obj, "fast"), expected && amounts(expected));
    });

  it("gives undefined for a resource without a Kubernetes kind", () => {
    assert.strictEqual(objectQuotaUsage({ urn: "u", type: "gcp:x:Y", name: "y", props: {} }), undefined);
  });
});

describe("the cluster's default StorageClass (storageclass.kubernetes.io/is-default-class)", () => {
  const storageClass = (name: string, isDefault?: string) => ({
    type: "kubernetes:storage.k8s.io/v1:StorageClass",
    name: `sc-${name}`,
    inputs: {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: {
        name,
        ...(isDefault ? { annotations: { "storageclass.kubernetes.io/is-default-class": isDefault } } : {}),
      },
      provisioner: "pd.csi.storage.gke.io",
    },
  });
  const defaultOf = (...resources: ReturnType<typeof storageClass>[]) =>
    defaultStorageClass(indexCluster(planOf(resources).resources));
  it("is a declared class annotated as default", () => {
    assert.strictEqual(defaultOf(storageClass("plain"), storageClass("fast", "true")), "fast");
  });
  it("is GKE's standard-rwo where no declared class is annotated true", () => {
    assert.strictEqual(defaultOf(storageClass("plain"), storageClass("slow", "false")), "standard-rwo");
    assert.strictEqual(defaultOf(), "standard-rwo");
  });
});

describe("ResourceQuota object admission (controller.go CheckRequest)", () => {
  const configMap = (name: string) => object("ConfigMap", undefined, name, { data: {} });
  const lb = (name: string, extra: Props = {}) =>
    object("Service", { type: "LoadBalancer", ports: [port(80)], ...extra }, name);

  it("ignores quotas with scopes or a scope selector: only Pods (and claims by class) match scopes", () => {
    const quotas = [
      { name: "best-effort", spec: { hard: { "count/configmaps": "0" }, scopes: ["BestEffort"] } },
      {
        name: "high",
        spec: {
          hard: { "count/configmaps": "0" },
          scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: ["high"] }] },
        },
      },
    ];
    const usage: QuotaUsage = new Map();
    assert.deepStrictEqual(admitObject(configMap("a"), ns(quotas), usage), []);
    assert.strictEqual(usage.size, 0);
  });

  it("lists only the resources over their limit: one landing exactly on it is within the quota", () => {
    const usage: QuotaUsage = new Map();
    const quotas = [{ name: "objects", spec: { hard: { "count/configmaps": "2", configmaps: "1", pods: "0" } } }];
    assert.deepStrictEqual(admitObject(configMap("a"), ns(quotas), usage), []);
    const [problem, ...rest] = admitObject(configMap("b"), ns(quotas), usage);
    assert.deepStrictEqual(rest, []);
    assert.strictEqual(problem.step, "ResourceQuota");
    assert.strictEqual(
      problem.message,
      "exceeded quota: objects, requested: configmaps=1, used: configmaps=1, limited: configmaps=1",
    );
    assert.strictEqual(
      problem.fix,
      "raise configmaps of ResourceQuota objects in team, or change the ConfigMap (fewer or smaller objects)",
    );
    assert.match(problem.source, /plugin\/pkg\/admission\/resourcequota\/controller\.go/);
    // The quota tracks what it limits, under namespace/quota; the refused ConfigMap adds nothing.
    assert.deepStrictEqual(usage.get("team/objects"), amounts({ "count/configmaps": "1", configmaps: "1" }));
  });

  it("suggests a ClusterIP Service where node ports alone are over the quota", () => {
    const quotas = [{ name: "no-node-ports", spec: { hard: { "services.nodeports": "0" } } }];
    const [problem] = admitObject(
      object("Service", { type: "NodePort", ports: [port(80)] }, "np"),
      ns(quotas),
      new Map(),
    );
    assert.match(problem.message, /^exceeded quota: no-node-ports, requested: services\.nodeports=1/);
    assert.strictEqual(
      problem.fix,
      "raise services.nodeports of ResourceQuota no-node-ports in team, or change the Service (a ClusterIP Service behind a Gateway needs neither)",
    );
  });

  it("admits a LoadBalancer without node ports under services.nodeports 0, and refuses the second load balancer over services.loadbalancers 1", () => {
    const usage: QuotaUsage = new Map();
    const quotas = [{ name: "lb", spec: { hard: { "services.loadbalancers": "1", "services.nodeports": "0" } } }];
    const noNodePorts = { allocateLoadBalancerNodePorts: false };
    assert.deepStrictEqual(admitObject(lb("first", noNodePorts), ns(quotas), usage), []);
    const [problem] = admitObject(lb("second", noNodePorts), ns(quotas), usage);
    assert.strictEqual(
      problem.message,
      "exceeded quota: lb, requested: services.loadbalancers=1, used: services.loadbalancers=1, limited: services.loadbalancers=1",
    );
    assert.strictEqual(
      problem.fix,
      "raise services.loadbalancers of ResourceQuota lb in team, or change the Service (a ClusterIP Service behind a Gateway needs neither)",
    );
    // With allocateLoadBalancerNodePorts false, a port naming a nodePort still counts (services.go portsWithNodePorts).
    const [pinned] = admitObject(
      lb("pinned", { allocateLoadBalancerNodePorts: false, ports: [port(80, 30080)] }),
      ns([{ name: "np", spec: { hard: { "services.nodeports": "0" } } }]),
      new Map(),
    );
    assert.match(
      pinned.message,
      /requested: services\.nodeports=1, used: services\.nodeports=0, limited: services\.nodeports=0/,
    );
  });

  it("names both service resources when a LoadBalancer Service is over both", () => {
    const quotas = [{ name: "no-lb", spec: { hard: { "services.loadbalancers": "0", "services.nodeports": "0" } } }];
    const [problem] = admitObject(lb("public"), ns(quotas), new Map());
    assert.strictEqual(
      problem.fix,
      "raise services.loadbalancers, services.nodeports of ResourceQuota no-lb in team, or change the Service (a ClusterIP Service behind a Gateway needs neither)",
    );
  });

  describe("a StatefulSet's claims, one set per replica (pkg/controller/statefulset createPersistentVolumeClaims)", () => {
    const sts = (replicas: number | undefined, templates: Props[]) =>
      object("StatefulSet", { ...(replicas === undefined ? {} : { replicas }), volumeClaimTemplates: templates }, "db");
    const claim = (name: string, storage: string) => ({
      metadata: { name },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } },
    });

    it("counts the claims of every template for the replicas that fit, names the templates, and records only what fits", () => {
      const usage: QuotaUsage = new Map();
      const quotas = [{ name: "storage", spec: { hard: { "requests.storage": "100Gi" } } }];
      const [problem, ...rest] = admitObject(
        sts(3, [claim("data", "30Gi"), claim("logs", "10Gi")]),
        ns(quotas),
        usage,
        "fast",
      );
      assert.deepStrictEqual(rest, []);
      assert.strictEqual(
        problem.message,
        "exceeded quota: storage, requested: requests.storage=120Gi, used: requests.storage=0, limited: requests.storage=100Gi for the PersistentVolumeClaims of its volumeClaimTemplates (data, logs), one set per replica (2 of 3 fit)",
      );
      assert.strictEqual(
        problem.fix,
        "raise requests.storage of ResourceQuota storage in team, or change the StatefulSet (fewer or smaller objects)",
      );
      assert.deepStrictEqual(usage.get("team/storage"), amounts({ "requests.storage": "80Gi" }));
    });

    it("creates no claims for a StatefulSet without volumeClaimTemplates", () => {
      const usage: QuotaUsage = new Map();
      const quotas = [{ name: "claims", spec: { hard: { persistentvolumeclaims: "0", "requests.storage": "0" } } }];
      assert.deepStrictEqual(admitObject(sts(3, []), ns(quotas), usage), []);
      const bare = object("StatefulSet", { replicas: 3 }, "bare");
      assert.deepStrictEqual(admitObject(bare, ns(quotas), usage), []);
    });

    it("creates one replica when spec.replicas is unset (StatefulSet defaulting)", () => {
      const usage: QuotaUsage = new Map();
      const quotas = [{ name: "claims", spec: { hard: { persistentvolumeclaims: "0" } } }];
      const problems = admitObject(sts(undefined, [claim("data", "1Gi")]), ns(quotas), usage);
      assert.strictEqual(problems.length, 1);
      assert.match(problems[0].message, /requested: persistentvolumeclaims=1, used: persistentvolumeclaims=0/);
      assert.doesNotMatch(problems[0].message, / of \d+ fit/);
    });
  });
});
