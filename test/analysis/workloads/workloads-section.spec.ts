import * as assert from "node:assert";
import { analyzeWorkloads } from "../../../policies/lib/analysis/workloads";
import { planOf, type TestResource, urnOf } from "../../helpers/policy";
import {
  container,
  daemonSet,
  deployment,
  job,
  K8S,
  kserveStandard,
  limitRange,
  modelIsvc,
  namespace,
  nodePool,
  quota,
  servingRuntime,
  simulate,
  twoPools,
  workload,
} from "./fixtures";

const small = container({ requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "64Mi" } });
const service = (ns: string, name: string): TestResource => ({
  type: "kubernetes:core/v1:Service",
  name: `${name}-resource`,
  inputs: { apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns }, spec: { ports: [{ port: 80 }] } },
});
const CLUSTER = "gcp:container/cluster:Cluster";

/**
 * The plan's workloads section as a whole: what each admission step and the scheduler say of each
 * workload, summed up, and what each pool offers. Expected values follow Kubernetes: a Pod refused by
 * the API server (NamespaceLifecycle, plugin/pkg/admission/namespace/lifecycle) or held before any Pod
 * exists (no controller) uses no quota and no node; a DaemonSet runs one Pod per node it selects and
 * tolerates (pkg/controller/daemon), none where it selects no node; an object over its count quota
 * (pkg/quota/v1/evaluator/core) is refused by kube-apiserver; GKE's e2-standard-8 offers 7910m of cpu
 * (GKE plan-node-sizes: 6 % of the first core, 1 % of the second, 0.5 % of the next two, 0.25 % above).
 */
describe("workload simulation: the workloads section (summary, pools, Pod reports)", () => {
  const section = simulate([
    ...twoPools(namespace("team")),
    nodePool("dedicated", { taints: [{ key: "dedicated", effect: "NO_EXECUTE" }] }),
    quota("team", { hard: { pods: "10", "count/services": "0" } }),
    limitRange("team", [{ type: "Container", defaultRequest: { cpu: "100m" } }]),
    // No KServe in the plan: no Pod is ever created.
    modelIsvc("model", "team", { storageUri: "gs://bucket/model" }),
    deployment(
      "team",
      "web",
      {
        initContainers: [{ name: "migrate", image: "migrate:1", resources: { requests: { cpu: "1" } } }],
        containers: [container({ requests: { cpu: "500m", memory: "256Mi" }, limits: { memory: "256Mi" } })],
      },
      { replicas: 2 },
    ),
    deployment("team", "idle", { containers: [small] }, { replicas: 0 }),
    deployment("team", "huge", { containers: [container({ requests: { cpu: "64" } })] }),
    deployment("ghost", "ghost-web", { containers: [small] }),
    daemonSet("ghost", "ghost-agent", { containers: [container({ requests: { cpu: "1", memory: "64Mi" } })] }),
    daemonSet("team", "agent", { containers: [small] }),
    daemonSet("team", "nowhere", { nodeSelector: { "example.com/none": "true" }, containers: [small] }),
    service("team", "svc"),
  ]);

  it("counts each workload once under its status", () => {
    assert.deepStrictEqual(section.summary, {
      workloads: 9,
      runnable: 4,
      refused: 3,
      notAdmitted: 1,
      unschedulable: 1,
      misallocated: 0,
      unchecked: 0,
    });
    assert.deepStrictEqual(
      section.workloads.map((w) => [w.name, w.status]),
      [
        ["model", "not-admitted"],
        ["web", "runnable"],
        ["idle", "runnable"],
        ["huge", "unschedulable"],
        ["ghost-web", "refused"],
        ["ghost-agent", "refused"],
        ["agent", "runnable"],
        ["nowhere", "runnable"],
        ["svc", "refused"],
      ],
    );
  });

  it("reports each pool's machine, size, allocatable, taints and the requests of the admitted DaemonSets on each node", () => {
    const [system, gpu] = section.pools;
    assert.deepStrictEqual(
      { ...system, allocatable: { cpu: system.allocatable.cpu, pods: system.allocatable.pods } },
      {
        name: "system",
        machineType: "e2-standard-8",
        maxNodes: 3,
        allocatable: { cpu: "7910m", pods: "110" },
        // agent only: ghost-agent is refused, nowhere selects no node.
        daemonSets: { cpu: "100m", memory: "64Mi" },
        taints: [],
        capacity: "on-demand",
      },
    );
    assert.strictEqual(gpu.name, "gpu-l4");
    assert.strictEqual(gpu.allocatable["nvidia.com/gpu"], "1");
    assert.deepStrictEqual(gpu.taints, ["nvidia.com/gpu=present:NoSchedule"]);
    assert.deepStrictEqual(gpu.daemonSets, {});
    assert.deepStrictEqual(section.pools[2].taints, ["dedicated:NoExecute"]);
  });

  it("reports a Pod set's containers, requests (init containers counted), admission steps, pools and where it lands", () => {
    const [web] = workload(section, "web").pods;
    assert.deepStrictEqual(web, {
      name: "deployment",
      count: 2,
      containers: ["app"],
      initContainers: ["migrate"],
      injected: [],
      requests: { memory: "256Mi", cpu: "1" },
      admitted: true,
      admission: [
        "Priority",
        "Validation",
        "LimitRanger (limits)",
        "PodSecurity privileged:latest",
        "ResourceQuota (quota)",
      ],
      pools: ["system"],
      placement: { pool: "system", nodes: 1 },
    });
    assert.ok(!workload(section, "web").notes.some((n) => n.includes("matchFields")));
  });

  it("places no node for a Deployment of 0 replicas, and runs a DaemonSet Pod on each node of the pools it selects", () => {
    const [idle] = workload(section, "idle").pods;
    assert.strictEqual(idle.count, 0);
    assert.strictEqual(idle.placement, undefined);
    assert.ok(!idle.admission.some((step) => step.startsWith("ResourceQuota")));
    const [agent] = workload(section, "agent").pods;
    assert.deepStrictEqual([agent.count, agent.pools, agent.placement], [3, ["system"], undefined]);
    const nowhere = workload(section, "nowhere");
    assert.deepStrictEqual([nowhere.pods[0].count, nowhere.pods[0].pools], [0, []]);
    assert.ok(
      nowhere.notes.includes("daemonset: no node pool's nodes match it, so it runs no Pods"),
      String(nowhere.notes),
    );
    assert.ok(!workload(section, "agent").notes.some((n) => n.includes("runs no Pods")));
  });

  it("refuses the Pods of an undeclared namespace, which then use no quota or node", () => {
    const ghost = workload(section, "ghost-web");
    assert.strictEqual(ghost.pods[0].admitted, false);
    assert.deepStrictEqual(ghost.pods[0].pools, []);
    assert.deepStrictEqual(
      ghost.problems.map((p) => [p.step, p.message, p.fix, p.source]),
      [
        [
          "NamespaceLifecycle",
          'namespaces "ghost" not found',
          "declare namespace ghost before its workloads",
          "kubernetes plugin/pkg/admission/namespace/lifecycle/admission.go",
        ],
      ],
    );
  });

  it("holds a workload no controller turns into Pods before the nodes, and counts none of its Pods against the quota", () => {
    const model = workload(section, "model");
    assert.ok(model.problems.every((p) => p.step === "Controller"));
    assert.ok(model.notes.includes("not placed on nodes: no Pod is created until the problems above are fixed"));
  });

  it("lists an object refused by a count quota as its own entry, created by kube-apiserver", () => {
    const svc = workload(section, "svc");
    assert.deepStrictEqual(
      [svc.kind, svc.namespace, svc.controller, svc.source, svc.gang, svc.pods, svc.notes],
      ["Service", "team", "kube-apiserver", "declared", false, [], []],
    );
    assert.match(svc.problems[0].message, /count\/services=1/);
    assert.strictEqual(svc.problems[0].step, "ResourceQuota");
  });

  it("lists a Namespace whose Pod Security labels do not parse as refused, and refuses its workloads' Pods as not found", () => {
    const bad = simulate([
      ...twoPools(namespace("bad", { "pod-security.kubernetes.io/enforce": "strict" })),
      deployment("bad", "inbad", { containers: [small] }),
    ]);
    const ns = workload(bad, "bad");
    assert.deepStrictEqual(
      [ns.kind, ns.controller, ns.source, ns.gang, ns.status, ns.notes],
      ["Namespace", "kube-apiserver", "declared", false, "refused", []],
    );
    assert.match(ns.problems[0].message, /enforce.*"strict": must be one of privileged, baseline, restricted/);
    const w = workload(bad, "inbad");
    const lifecycle = w.problems.find((p) => p.step === "NamespaceLifecycle");
    assert.match(lifecycle?.message ?? "", /^namespaces "bad" not found: Namespace "bad" is refused/);
    assert.match(lifecycle?.source ?? "", /^kubernetes plugin\/pkg\/admission\/namespace\/lifecycle\/admission\.go; /);
    assert.strictEqual(w.status, "refused");
  });

  it("counts what an earlier workload uses of a quota against a later one, but not a held workload's Pods", () => {
    const plan = (first: TestResource) =>
      simulate([
        ...twoPools(namespace("team")),
        quota("team", { hard: { pods: "2" } }),
        first,
        deployment("team", "web", { containers: [small] }, { replicas: 2 }),
      ]);
    const held = plan(modelIsvc("model", "team", { storageUri: "gs://bucket/model" }));
    assert.strictEqual(workload(held, "web").status, "runnable");
    const earlier = plan(deployment("team", "first", { containers: [small] }));
    assert.strictEqual(workload(earlier, "web").status, "refused");
    assert.ok(workload(earlier, "web").problems.some((p) => p.step === "ResourceQuota"));
  });

  describe("the cluster version (GKE release channels; KEP-2837 PodLevelResources, beta and on by default from 1.34)", () => {
    const cluster = (props: Record<string, unknown>): TestResource => ({
      type: CLUSTER,
      name: "gke",
      inputs: { name: "gke", location: "us-central1", removeDefaultNodePool: true, ...props },
    });
    const podLevel = deployment("team", "pod-level", {
      resources: { limits: { cpu: "2", memory: "1Gi" } },
      containers: [container({ name: "app" })],
    });

    it("takes a pinned minMasterVersion, and there defaults Pod-level requests from Pod-level limits (defaults.go)", () => {
      const s = simulate([...twoPools(namespace("team")), cluster({ minMasterVersion: "1.34.1-gke.1000" }), podLevel]);
      assert.deepStrictEqual(s.cluster, { version: "1.34", source: "minMasterVersion 1.34.1-gke.1000" });
      assert.deepStrictEqual(workload(s, "pod-level").pods[0].requests, { cpu: "2", memory: "1Gi" });
      assert.ok(!workload(s, "pod-level").notes.some((n) => n.includes("dropped")));
    });

    it("drops Pod-level resources at 1.33, where the feature is off by default", () => {
      const s = simulate([...twoPools(namespace("team")), cluster({ minMasterVersion: "1.33.5-gke.1000" }), podLevel]);
      assert.strictEqual(s.cluster?.version, "1.33");
      const w = workload(s, "pod-level");
      assert.deepStrictEqual(w.pods[0].requests, {});
      assert.ok(
        w.notes.includes(
          "deployment: Pod-level spec.resources dropped: the PodLevelResources feature is off at Kubernetes 1.33",
        ),
      );
    });

    it("takes the release channel's default without a pinned version, Regular without a channel or without a cluster", () => {
      const rapid = simulate([cluster({ releaseChannel: { channel: "RAPID" } })]);
      assert.match(rapid.cluster?.source ?? "", /^RAPID channel's default for new clusters/);
      const unnamed = simulate([cluster({ minMasterVersion: "latest" })]);
      assert.match(unnamed.cluster?.source ?? "", /^REGULAR channel's default for new clusters/);
      const none = simulate([]);
      assert.match(none.cluster?.source ?? "", /^no cluster in the plan: assumed REGULAR channel's default/);
    });
  });

  it("does not check scheduling where a pool's values are unknown until apply, and says which", () => {
    const unknown = Object.assign(new Error("value unknown during preview"), {
      unknownTypeSentinel: true,
      props: ["nodeLocations"],
    });
    const pending = {
      urn: "urn:pulumi:dev::p::gcp:container/nodePool:NodePool::gpu",
      type: "gcp:container/nodePool:NodePool",
      name: "gpu",
      props: {
        name: "gpu",
        nodeConfig: { machineType: "g2-standard-8" },
        get nodeLocations(): never {
          throw unknown;
        },
      },
    };
    const s = analyzeWorkloads([
      ...planOf([nodePool("system"), namespace("team"), deployment("team", "web", { containers: [small] })]).resources,
      pending,
    ]);
    const web = workload(s, "web");
    assert.ok(
      web.notes.includes(
        "scheduling not checked: node pools have values unknown until apply (gpu: value unknown during preview)",
      ),
      String(web.notes),
    );
    assert.deepStrictEqual(web.pods[0].pools, []);
  });

  describe("what LimitRanger's defaults from a max cause (core/v1 defaults.go SetDefaults_LimitRangeItem: no default, so default = max)", () => {
    const plan = simulate([
      ...twoPools(namespace("capped"), namespace("team")),
      limitRange("capped", [{ type: "Container", max: { cpu: "16" } }]),
      limitRange("team", [{ type: "Container", max: { cpu: "1" } }]),
      deployment("capped", "greedy", { containers: [container()] }),
      deployment("team", "meek", { containers: [container()] }),
    ]);

    it("names the LimitRange as the cause of a Pod that no node fits, with its fix and both sources", () => {
      const greedy = workload(plan, "greedy");
      assert.strictEqual(greedy.status, "unschedulable");
      const scheduler = greedy.problems.find((p) => p.step === "Scheduler");
      assert.match(
        scheduler?.message ?? "",
        /Insufficient cpu \(needs 16, .*\. Cause: LimitRange limits sets max cpu 16 without a default/,
      );
      assert.match(scheduler?.fix ?? "", /remove the cpu max from LimitRange limits/);
      assert.match(
        scheduler?.source ?? "",
        /^kubernetes pkg\/scheduler\/framework\/plugins .*; kubernetes pkg\/apis\/core\/v1\/defaults\.go/,
      );
      const defaults = greedy.problems.find((p) => p.step === "LimitRanger defaults");
      assert.match(
        defaults?.message ?? "",
        /gives container app cpu 16, which it does not ask for and holds while it runs$/,
      );
      assert.doesNotMatch(defaults?.message ?? "", /Cause:/);
    });

    it("does not call a limit defaulted from the max misallocated: the Pod holds only what it requests", () => {
      const s2 = simulate([
        ...twoPools(namespace("capped")),
        limitRange("capped", [{ type: "Container", max: { cpu: "16" } }]),
        deployment("capped", "asks", { containers: [container({ requests: { cpu: "1" } })] }),
      ]);
      const asks = workload(s2, "asks");
      assert.deepStrictEqual([asks.status, asks.problems], ["runnable", []]);
      assert.deepStrictEqual(asks.pods[0].requests, { cpu: "1" });
    });

    it("calls a workload that runs holding what it never asked for misallocated", () => {
      const meek = workload(plan, "meek");
      assert.strictEqual(meek.status, "misallocated");
      assert.deepStrictEqual(meek.pods[0].requests, { cpu: "1" });
      assert.deepStrictEqual(meek.pods[0].placement, { pool: "system", nodes: 1 });
      assert.deepStrictEqual(plan.summary.misallocated, 1);
    });
  });

  it("fits each DaemonSet Pod next to the other DaemonSets of its pools, not next to itself (pkg/controller/daemon, NodeResourcesFit)", () => {
    const agent = (name: string, cpu: string) =>
      daemonSet("team", name, {
        containers: [container({ requests: { cpu, memory: "64Mi" }, limits: { memory: "64Mi" } })],
      });
    // An e2-standard-8 offers 7910m: one 7-cpu agent fits, two 4-cpu agents do not.
    const alone = simulate([...twoPools(namespace("team")), agent("big", "7")]);
    assert.strictEqual(workload(alone, "big").status, "runnable");
    const pair = simulate([...twoPools(namespace("team")), agent("a", "4"), agent("b", "4")]);
    for (const name of ["a", "b"]) {
      const w = workload(pair, name);
      assert.strictEqual(w.status, "unschedulable");
      assert.strictEqual(
        w.problems[0].message,
        "on node pool system: Insufficient cpu (needs 4, a node offers 3910m after 4 for DaemonSets)",
      );
    }
  });

  it("names every extended resource whose toleration ExtendedResourceToleration adds", () => {
    const s = simulate([
      ...twoPools(namespace("team")),
      deployment("team", "accel", {
        containers: [
          container({ limits: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "1", "example.com/fpga": "1" } }),
        ],
      }),
    ]);
    assert.ok(
      workload(s, "accel").pods[0].injected.includes(
        "toleration for example.com/fpga, nvidia.com/gpu (ExtendedResourceToleration)",
      ),
      String(workload(s, "accel").pods[0].injected),
    );
  });

  it("runs a Pod that sets an overhead without a RuntimeClass through the RuntimeClass step (plugin/pkg/admission/runtimeclass)", () => {
    const s = simulate([
      ...twoPools(namespace("team")),
      deployment("team", "overhead", { overhead: { cpu: "100m" }, containers: [small] }),
    ]);
    const w = workload(s, "overhead");
    assert.ok(w.pods[0].admission.includes("RuntimeClass"), String(w.pods[0].admission));
    assert.strictEqual(w.status, "refused");
  });

  describe("an autoscaler's maximum against the pools (KServe maxReplicas; cluster-autoscaler never grows a pool past its maximum)", () => {
    const isvc = (maxReplicas: number) => {
      const r = modelIsvc("chat", "team", { runtime: "six", storageUri: "pvc://models/chat" });
      (r.inputs as { spec: { predictor: Record<string, unknown> } }).spec.predictor.maxReplicas = maxReplicas;
      return r;
    };
    const notes = (maxReplicas: number) =>
      workload(
        simulate([
          ...twoPools(namespace("team"), namespace("kserve")),
          kserveStandard,
          servingRuntime("six", "team", {
            containers: [
              {
                name: "kserve-container",
                image: "srv:1",
                resources: { requests: { cpu: "6", memory: "1Gi" }, limits: { cpu: "6", memory: "1Gi" } },
              },
            ],
          }),
          isvc(maxReplicas),
        ]),
        "chat",
      ).notes.filter((n) => n.includes("autoscaler"));

    it("notes a maximum the pools cannot hold: one 6-cpu predictor per e2-standard-8 node, 3 nodes", () => {
      assert.deepStrictEqual(notes(5), [
        "predictor: the autoscaler may ask for 5 Pods, but the pools at their maximum size hold 3",
      ]);
    });

    it("says nothing where the pools hold the maximum, or the maximum is the minimum", () => {
      assert.deepStrictEqual(notes(3), []);
      assert.deepStrictEqual(notes(1), []);
    });
  });

  describe("object counts, held workloads and unchecked charts", () => {
    const plan = simulate([
      ...twoPools(namespace("team")),
      quota("team", { hard: { pods: "2", "count/deployments.apps": "1" } }),
      deployment("team", "first", { containers: [small] }, { replicas: 2 }),
      deployment("team", "second", { containers: [small] }, { replicas: 0 }),
      job("team", "held", { containers: [small] }, { "kueue.x-k8s.io/queue-name": "missing" }),
      {
        type: K8S.chart,
        name: "kueue-old",
        inputs: { chart: "kueue", version: "0.0.1", namespace: "team", name: "kueue-old" },
      },
    ]);

    it("charges a workload object over its count quota to that workload, not to another", () => {
      // count/deployments.apps=1: the second Deployment is refused (pkg/quota/v1/evaluator/core, object count).
      assert.deepStrictEqual(workload(plan, "first").problems, []);
      const second = workload(plan, "second");
      assert.strictEqual(second.status, "refused");
      assert.match(second.problems[0].message, /count\/deployments\.apps=1, used: count\/deployments\.apps=1/);
    });

    it("still lists the API server's verdict on the Pods of a workload Kueue holds, against what the earlier ones use", () => {
      const held = workload(plan, "held");
      assert.strictEqual(held.status, "not-admitted");
      assert.deepStrictEqual(
        held.problems.map((p) => p.step),
        ["Kueue", "ResourceQuota"],
      );
      assert.match(held.problems[1].message, /requested: pods=1, used: pods=2, limited: pods=2/);
      assert.deepStrictEqual(held.pods[0].pools, []);
    });

    it("reports a chart it has no facts for as unchecked, its reason first, and checks nothing of it", () => {
      const old = workload(plan, "kueue-old");
      assert.strictEqual(old.status, "unchecked");
      assert.match(old.notes[0], /^no facts for chart kueue 0\.0\.1/);
      assert.strictEqual(old.notes.length, 1);
      assert.strictEqual(plan.summary.unchecked, 1);
      // Without node pools either, it gets no "scheduling not checked" note: it was never checked at all.
      const alone = simulate([
        namespace("team"),
        { type: K8S.chart, name: "kueue-old", inputs: { chart: "kueue", version: "0.0.1", namespace: "team" } },
      ]);
      assert.deepStrictEqual(workload(alone, "kueue-old").notes, [old.notes[0]]);
    });
  });

  it("gives a refused Namespace's entry the Namespace's URN", () => {
    const s = simulate([...twoPools(namespace("bad", { "pod-security.kubernetes.io/enforce": "strict" }))]);
    assert.strictEqual(workload(s, "bad").urn, urnOf(K8S.namespace, "bad-ns"));
  });
});
