import * as assert from "node:assert";
import { storedLimits } from "../../../policies/lib/analysis/workloads/admission/limit-range";
import type { TestResource } from "../../helpers/policy";
import {
  container,
  daemonSet,
  deployment,
  enforce,
  K8S,
  limitRange,
  namespace,
  nodePool,
  problems,
  quota,
  RESTRICTED_CONTAINER,
  RESTRICTED_POD,
  simulate,
  workload,
} from "./fixtures";

/** A namespace `team` on a cluster with a CPU pool and an L4 pool. */
const cluster = (...extra: TestResource[]): TestResource[] => [
  nodePool("system", { machineType: "e2-standard-8", max: 3 }),
  nodePool("gpu-l4", {
    machineType: "g2-standard-12",
    gpus: { type: "nvidia-l4", count: 1 },
    max: 2,
    taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }],
  }),
  namespace("team"),
  ...extra,
];
const pod = (...containers: object[]) => ({ containers });
const cpu = (request: string, limit?: string) =>
  container({
    requests: { cpu: request, memory: "256Mi" },
    limits: { memory: "256Mi", ...(limit ? { cpu: limit } : {}) },
  });

describe("workload simulation: API server admission", () => {
  describe("LimitRanger (kubernetes plugin/pkg/admission/limitranger/admission.go; defaulting pkg/apis/core/v1/defaults.go)", () => {
    it("stores a Container item as the API server defaults it: max becomes the default limit, the default limit the default request, min the default request", () => {
      const [item] = storedLimits("l", {
        limits: [{ type: "Container", max: { "nvidia.com/gpu": "4" }, default: { cpu: "1" }, min: { memory: "64Mi" } }],
      });
      assert.deepStrictEqual(item.default, { cpu: "1", "nvidia.com/gpu": "4" });
      assert.deepStrictEqual(item.defaultRequest, { cpu: "1", "nvidia.com/gpu": "4", memory: "64Mi" });
      assert.deepStrictEqual(item.derived, {
        "limit:nvidia.com/gpu": "max",
        "request:cpu": "default",
        "request:nvidia.com/gpu": "max",
        "request:memory": "min",
      });
      const [pod] = storedLimits("l", { limits: [{ type: "Pod", max: { cpu: "2" } }] });
      assert.deepStrictEqual(pod.default, {}, "Pod items get no defaults");
    });

    it("gives a container without a GPU the max as its request when the max has no default, and names that cause", () => {
      const w = workload(
        simulate(
          cluster(
            limitRange("team", [{ type: "Container", max: { "nvidia.com/gpu": "4" } }]),
            quota("team", { hard: { "requests.nvidia.com/gpu": "2" } }),
            deployment("team", "cpu-only", pod(cpu("100m"))),
          ),
        ),
        "cpu-only",
      );
      assert.strictEqual(w.status, "refused");
      assert.deepStrictEqual(w.pods[0].requests["nvidia.com/gpu"], "4");
      assert.deepStrictEqual(
        w.problems.map((p) => p.step),
        ["LimitRanger defaults", "ResourceQuota"],
      );
      assert.match(
        w.problems[0].message,
        /^LimitRange limits sets max nvidia\.com\/gpu 4 without a default, .* gives container app nvidia\.com\/gpu 4, which it does not ask for/,
      );
      assert.match(
        w.problems[1].message,
        /^exceeded quota: quota, requested: requests\.nvidia\.com\/gpu=4, used: requests\.nvidia\.com\/gpu=0, limited: requests\.nvidia\.com\/gpu=2\. Cause: LimitRange limits sets max nvidia\.com\/gpu 4 without a default/,
      );
      for (const p of w.problems) assert.match(p.fix, /remove the nvidia\.com\/gpu max from LimitRange limits/);
      // Where a node could hold the unasked GPUs, the Pod runs, holding them.
      const wasteful = workload(
        simulate(
          cluster(
            limitRange("team", [{ type: "Container", max: { "nvidia.com/gpu": "1" } }]),
            deployment("team", "cpu-only", pod(cpu("100m"))),
          ),
        ),
        "cpu-only",
      );
      assert.strictEqual(wasteful.status, "misallocated");
      assert.deepStrictEqual(wasteful.pods[0].placement, { pool: "gpu-l4", nodes: 1 });
    });

    it("admits containers within min and max, and refuses a request below min, a limit above max and a ratio above maxLimitRequestRatio", () => {
      const limits = limitRange("team", [
        { type: "Container", min: { cpu: "100m" }, max: { memory: "1Gi" }, maxLimitRequestRatio: { cpu: "2" } },
      ]);
      const section = simulate(
        cluster(
          limits,
          deployment(
            "team",
            "fits",
            pod(container({ requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "400m", memory: "512Mi" } })),
          ),
          deployment(
            "team",
            "small",
            pod(container({ requests: { cpu: "50m" }, limits: { cpu: "100m", memory: "512Mi" } })),
          ),
          deployment(
            "team",
            "big",
            pod(container({ requests: { cpu: "200m" }, limits: { cpu: "400m", memory: "2Gi" } })),
          ),
          deployment(
            "team",
            "ratio",
            pod(container({ requests: { cpu: "200m" }, limits: { cpu: "800m", memory: "512Mi" } })),
          ),
        ),
      );
      assert.strictEqual(workload(section, "fits").status, "runnable");
      assert.deepStrictEqual(problems(workload(section, "small")), [
        "LimitRanger: minimum cpu usage per Container is 100m, but request is 50m (container app)",
      ]);
      assert.deepStrictEqual(problems(workload(section, "big")), [
        "LimitRanger: maximum memory usage per Container is 1Gi, but limit is 2Gi (container app)",
      ]);
      assert.deepStrictEqual(problems(workload(section, "ratio")), [
        "LimitRanger: cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000 (container app)",
      ]);
    });

    it("checks init containers and extended resources too", () => {
      const section = simulate(
        cluster(
          limitRange("team", [
            { type: "Container", max: { "nvidia.com/gpu": "1" }, default: { "nvidia.com/gpu": "0" } },
          ]),
          deployment("team", "two-gpus", {
            ...pod(container({ limits: { "nvidia.com/gpu": "2" } })),
            tolerations: [{ operator: "Exists" }],
          }),
          deployment("team", "init-gpus", {
            initContainers: [container({ name: "init", limits: { "nvidia.com/gpu": "2" } })],
            containers: [container()],
          }),
        ),
      );
      assert.deepStrictEqual(problems(workload(section, "two-gpus")), [
        "LimitRanger: maximum nvidia.com/gpu usage per Container is 1, but limit is 2 (container app)",
      ]);
      assert.deepStrictEqual(problems(workload(section, "init-gpus")), [
        "LimitRanger: maximum nvidia.com/gpu usage per Container is 1, but limit is 2 (container init)",
      ]);
    });

    it("sums a Pod item over what each container sets (podRequests/podLimits since 1.28): a container without a limit adds nothing, sidecars add theirs", () => {
      // plugin/pkg/admission/limitranger/admission.go PodValidateLimitFunc: podLimits is addResourceList
      // over the containers, plus restartable init containers, max'd with each init container.
      const section = simulate(
        cluster(
          limitRange("team", [{ type: "Pod", max: { cpu: "2" } }]),
          deployment(
            "team",
            "both",
            pod(container({ name: "a", limits: { cpu: "1" } }), container({ name: "b", limits: { cpu: "1" } })),
          ),
          deployment("team", "one", pod(container({ name: "a", limits: { cpu: "1" } }), container({ name: "b" }))),
          deployment(
            "team",
            "over",
            pod(container({ name: "a", limits: { cpu: "2" } }), container({ name: "b", limits: { cpu: "1" } })),
          ),
          deployment("team", "none", pod(container({ name: "a" }))),
          deployment("team", "sidecar", {
            initContainers: [{ ...container({ name: "proxy", limits: { cpu: "400m" } }), restartPolicy: "Always" }],
            containers: [container({ limits: { cpu: "1800m" } })],
          }),
        ),
      );
      assert.strictEqual(workload(section, "both").status, "runnable");
      assert.strictEqual(workload(section, "one").status, "runnable");
      assert.deepStrictEqual(problems(workload(section, "over")), [
        "LimitRanger: maximum cpu usage per Pod is 2, but limit is 3 (the Pod's containers)",
      ]);
      assert.deepStrictEqual(problems(workload(section, "none")), [
        "LimitRanger: maximum cpu usage per Pod is 2.  No limit is specified (the Pod's containers)",
      ]);
      assert.deepStrictEqual(problems(workload(section, "sidecar")), [
        "LimitRanger: maximum cpu usage per Pod is 2, but limit is 2200m (the Pod's containers)",
      ]);
    });
  });

  describe("ResourceQuota (kubernetes plugin/pkg/admission/resourcequota/controller.go, pkg/quota/v1/evaluator/core/pods.go)", () => {
    it("makes every container state the cpu and memory a quota tracks, unless a LimitRange defaults them", () => {
      const hard = quota("team", { hard: { "requests.cpu": "4", "limits.memory": "8Gi" } });
      const bare = deployment("team", "bare", pod(container()));
      assert.deepStrictEqual(problems(workload(simulate(cluster(hard, bare)), "bare")), [
        "ResourceQuota: failed quota: quota: must specify limits.memory,requests.cpu",
      ]);
      const defaults = limitRange("team", [
        { type: "Container", default: { memory: "1Gi" }, defaultRequest: { cpu: "100m" } },
      ]);
      assert.strictEqual(workload(simulate(cluster(hard, defaults, bare)), "bare").status, "runnable");
    });

    it("refuses the Pods past a hard limit, counting every replica and what earlier workloads use", () => {
      const section = simulate(
        cluster(
          quota("team", { hard: { pods: "3", "requests.cpu": "1500m", "requests.nvidia.com/gpu": "1" } }),
          deployment("team", "first", pod(cpu("1"))),
          deployment("team", "second", pod(cpu("1"))),
          deployment("team", "gpus", pod(container({ requests: { cpu: "100m" }, limits: { "nvidia.com/gpu": "2" } }))),
        ),
      );
      assert.strictEqual(workload(section, "first").status, "runnable");
      assert.deepStrictEqual(problems(workload(section, "second")), [
        "ResourceQuota: exceeded quota: quota, requested: requests.cpu=1, used: requests.cpu=1, limited: requests.cpu=1500m",
      ]);
      assert.deepStrictEqual(problems(workload(section, "gpus")), [
        "ResourceQuota: exceeded quota: quota, requested: requests.nvidia.com/gpu=2, used: requests.nvidia.com/gpu=0, limited: requests.nvidia.com/gpu=1",
      ]);
      const replicas = workload(
        simulate(
          cluster(
            quota("team", { hard: { pods: "2" } }),
            deployment("team", "three", pod(container()), { replicas: 3 }),
          ),
        ),
        "three",
      );
      assert.deepStrictEqual(problems(replicas), [
        "ResourceQuota: exceeded quota: quota, requested: pods=3, used: pods=0, limited: pods=2 (2 of 3 Pods fit)",
      ]);
    });

    it("applies a quota only to the Pods its scopes select: BestEffort, NotBestEffort, PriorityClass, Terminating", () => {
      const section = simulate(
        cluster(
          {
            type: K8S.priorityClass,
            name: "pc-high",
            inputs: {
              apiVersion: "scheduling.k8s.io/v1",
              kind: "PriorityClass",
              metadata: { name: "high" },
              value: 1000,
            },
          },
          quota("team", { hard: { pods: "0" }, scopes: ["BestEffort"] }, "no-best-effort"),
          quota(
            "team",
            {
              hard: { pods: "0" },
              scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: ["high"] }] },
            },
            "no-high",
          ),
          quota("team", { hard: { pods: "0" }, scopes: ["Terminating"] }, "no-deadline"),
          deployment("team", "best-effort", pod(container())),
          deployment("team", "burstable", pod(cpu("100m"))),
          deployment("team", "high", { ...pod(cpu("100m")), priorityClassName: "high" }),
          deployment("team", "deadline", { ...pod(cpu("100m")), activeDeadlineSeconds: 600 }),
        ),
      );
      assert.match(
        problems(workload(section, "best-effort"))[0],
        /^ResourceQuota: exceeded quota: no-best-effort, requested: pods=1/,
      );
      assert.strictEqual(workload(section, "burstable").status, "runnable");
      assert.match(problems(workload(section, "high"))[0], /^ResourceQuota: exceeded quota: no-high/);
      assert.match(problems(workload(section, "deadline"))[0], /^ResourceQuota: exceeded quota: no-deadline/);
    });

    it("admits system-node-critical Pods outside kube-system only under a quota scoped to the critical classes (GKE), and counts one Pod per node", () => {
      const critical = {
        ...pod(cpu("100m")),
        priorityClassName: "system-node-critical",
        tolerations: [{ operator: "Exists" }],
      };
      const uncovered = workload(simulate(cluster(daemonSet("team", "agent", critical))), "agent");
      assert.deepStrictEqual(problems(uncovered), [
        "ResourceQuota: insufficient quota to match these scopes: [{PriorityClass In [system-node-critical system-cluster-critical]}] (priorityClassName system-node-critical in namespace team)",
      ]);
      const scoped = (pods: string) =>
        quota(
          "team",
          {
            hard: { pods },
            scopeSelector: {
              matchExpressions: [
                {
                  scopeName: "PriorityClass",
                  operator: "In",
                  values: ["system-node-critical", "system-cluster-critical"],
                },
              ],
            },
          },
          "critical",
        );
      const covered = workload(simulate(cluster(scoped("5"), daemonSet("team", "agent", critical))), "agent");
      assert.strictEqual(covered.status, "runnable");
      assert.deepStrictEqual(covered.pods[0].pools, ["system", "gpu-l4"]);
      assert.strictEqual(covered.pods[0].count, 5, "3 system nodes and 2 GPU nodes at most");
      assert.match(
        problems(workload(simulate(cluster(scoped("4"), daemonSet("team", "agent", critical))), "agent"))[0],
        /exceeded quota: critical, requested: pods=5, used: pods=0, limited: pods=4 \(4 of 5 Pods fit\)/,
      );
    });
  });

  describe("ResourceQuota scopes and usage (kubernetes plugin/pkg/admission/resourcequota/controller.go getScopeSelectorsFromQuota; pods.go podComputeUsageHelper)", () => {
    const agent = (ns: string) =>
      daemonSet(ns, "agent", {
        priorityClassName: "system-node-critical",
        tolerations: [{ operator: "Exists" }],
        containers: [container({ requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "32Mi" } })],
      });
    it("counts spec.scopes [PriorityClass] (an Exists selector) as covering GKE's critical-class rule, as a scopeSelector would", () => {
      const w = workload(
        simulate(
          cluster(
            namespace("monitoring"),
            quota("monitoring", { hard: { pods: "50" }, scopes: ["PriorityClass"] }, "critical-pods"),
            agent("monitoring"),
          ),
        ),
        "agent",
      );
      assert.deepStrictEqual(problems(w), []);
      const other = workload(
        simulate(
          cluster(
            namespace("monitoring"),
            quota("monitoring", { hard: { pods: "50" }, scopes: ["NotBestEffort"] }, "not-best-effort"),
            agent("monitoring"),
          ),
        ),
        "agent",
      );
      assert.match(problems(other)[0], /^ResourceQuota: insufficient quota to match these scopes/);
    });

    it("counts huge pages under both hugepages-<size> and requests.hugepages-<size>", () => {
      const pod = {
        containers: [
          container({
            requests: { cpu: "100m", memory: "1Gi", "hugepages-2Mi": "128Mi" },
            limits: { memory: "1Gi", "hugepages-2Mi": "128Mi" },
          }),
        ],
      };
      assert.match(
        problems(
          workload(
            simulate(cluster(quota("team", { hard: { "hugepages-2Mi": "64Mi" } }), deployment("team", "huge", pod))),
            "huge",
          ),
        )[0],
        /exceeded quota: quota, requested: hugepages-2Mi=128Mi/,
      );
      assert.match(
        problems(
          workload(
            simulate(
              cluster(quota("team", { hard: { "requests.hugepages-2Mi": "64Mi" } }), deployment("team", "huge", pod)),
            ),
            "huge",
          ),
        )[0],
        /exceeded quota: quota, requested: requests\.hugepages-2Mi=128Mi/,
      );
    });

    it("counts a StatefulSet's volumeClaimTemplates, one claim per replica, in GKE's default StorageClass: the third 50Gi claim exceeds 100Gi (persistent_volume_claims.go)", () => {
      const sts = (replicas: number): TestResource => ({
        type: "kubernetes:apps/v1:StatefulSet",
        name: "db",
        inputs: {
          apiVersion: "apps/v1",
          kind: "StatefulSet",
          metadata: { name: "db", namespace: "team" },
          spec: {
            replicas,
            serviceName: "db",
            selector: { matchLabels: { app: "db" } },
            template: {
              metadata: { labels: { app: "db" } },
              spec: { containers: [container({ requests: { cpu: "100m", memory: "64Mi" } })] },
            },
            volumeClaimTemplates: [
              {
                metadata: { name: "data" },
                spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } },
              },
            ],
          },
        },
      });
      const over = workload(simulate(cluster(quota("team", { hard: { "requests.storage": "100Gi" } }), sts(3))), "db");
      assert.strictEqual(over.status, "refused");
      assert.match(
        problems(over).join("\n"),
        /exceeded quota: quota, requested: requests\.storage=150Gi, used: requests\.storage=0, limited: requests\.storage=100Gi for the PersistentVolumeClaims of its volumeClaimTemplates \(data\), one set per replica \(2 of 3 fit\)/,
      );
      assert.strictEqual(
        workload(simulate(cluster(quota("team", { hard: { "requests.storage": "100Gi" } }), sts(2))), "db").status,
        "runnable",
      );
      const perClass = workload(
        simulate(
          cluster(
            quota("team", { hard: { "standard-rwo.storageclass.storage.k8s.io/persistentvolumeclaims": "1" } }),
            sts(2),
          ),
        ),
        "db",
      );
      assert.match(problems(perClass)[0], /standard-rwo\.storageclass\.storage\.k8s\.io\/persistentvolumeclaims/);
    });
  });

  describe("ResourceQuota object counts (pkg/quota/v1/evaluator/core/services.go, persistent_volume_claims.go, generic count/<resource>)", () => {
    const service = (name: string, type: string) => ({
      type: "kubernetes:core/v1:Service",
      name,
      inputs: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace: "team" },
        spec: { type, ports: [{ port: 80 }] },
      },
    });
    const configMap = (name: string) => ({
      type: "kubernetes:core/v1:ConfigMap",
      name,
      inputs: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "team" }, data: {} },
    });
    it("refuses a LoadBalancer or NodePort Service where the quota allows none, and counts objects against count/<resource>", () => {
      const section = simulate(
        cluster(
          quota("team", {
            hard: { "services.loadbalancers": "0", "services.nodeports": "0", "count/configmaps": "1" },
          }),
          service("internal", "ClusterIP"),
          service("public", "LoadBalancer"),
          service("node-port", "NodePort"),
          configMap("first"),
          configMap("second"),
        ),
      );
      assert.deepStrictEqual(
        section.workloads.map((w) => [w.kind, w.name, w.status]),
        [
          ["Service", "public", "refused"],
          ["Service", "node-port", "refused"],
          ["ConfigMap", "second", "refused"],
        ],
      );
      assert.deepStrictEqual(problems(workload(section, "public")), [
        "ResourceQuota: exceeded quota: quota, requested: services.loadbalancers=1, services.nodeports=1, used: services.loadbalancers=0, services.nodeports=0, limited: services.loadbalancers=0, services.nodeports=0",
      ]);
      assert.deepStrictEqual(problems(workload(section, "second")), [
        "ResourceQuota: exceeded quota: quota, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1",
      ]);
    });
  });

  describe("PodSecurity (kubernetes/pod-security-admission policy/check_*.go)", () => {
    const host = { ...pod(container()), hostNetwork: true };
    it("admits anything where no level is enforced (GKE's default is privileged)", () => {
      assert.strictEqual(workload(simulate(cluster(deployment("team", "host", host))), "host").status, "runnable");
    });

    it("baseline: refuses host namespaces, privileged containers, added capabilities beyond the default set and hostPath volumes", () => {
      const base = (...extra: TestResource[]) =>
        simulate([
          nodePool("system", { machineType: "e2-standard-8" }),
          namespace("team", enforce("baseline")),
          ...extra,
        ]);
      const section = base(
        deployment("team", "plain", pod(container())),
        deployment("team", "host", host),
        deployment("team", "privileged", pod(container({ securityContext: { privileged: true } }))),
        deployment(
          "team",
          "sys-admin",
          pod(container({ securityContext: { capabilities: { add: ["SYS_ADMIN", "CHOWN"] } } })),
        ),
        deployment("team", "chown", pod(container({ securityContext: { capabilities: { add: ["CHOWN"] } } }))),
        deployment("team", "host-path", { ...pod(container()), volumes: [{ name: "root", hostPath: { path: "/" } }] }),
      );
      assert.strictEqual(workload(section, "plain").status, "runnable");
      assert.strictEqual(workload(section, "chown").status, "runnable");
      assert.deepStrictEqual(problems(workload(section, "host")), [
        'PodSecurity: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)',
      ]);
      assert.deepStrictEqual(problems(workload(section, "privileged")), [
        'PodSecurity: violates PodSecurity "baseline:latest": privileged (container "app" must not set securityContext.privileged=true)',
      ]);
      assert.deepStrictEqual(problems(workload(section, "sys-admin")), [
        'PodSecurity: violates PodSecurity "baseline:latest": non-default capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
      ]);
      assert.deepStrictEqual(problems(workload(section, "host-path")), [
        'PodSecurity: violates PodSecurity "baseline:latest": hostPath volumes (volume "root")',
      ]);
    });

    it("restricted: admits a Pod that drops every capability, runs as non-root under RuntimeDefault seccomp, and refuses one missing each", () => {
      const restricted = (...extra: TestResource[]) =>
        simulate([
          nodePool("system", { machineType: "e2-standard-8" }),
          namespace("team", enforce("restricted")),
          ...extra,
        ]);
      const section = restricted(
        deployment("team", "good", {
          securityContext: RESTRICTED_POD,
          containers: [container({ securityContext: RESTRICTED_CONTAINER })],
          volumes: [{ name: "bucket", csi: { driver: "gcsfuse.csi.storage.gke.io" } }],
        }),
        deployment("team", "escalates", {
          securityContext: RESTRICTED_POD,
          containers: [container({ securityContext: { capabilities: { drop: ["ALL"] } } })],
        }),
        deployment("team", "root", {
          securityContext: { ...RESTRICTED_POD, runAsUser: 0 },
          containers: [container({ securityContext: RESTRICTED_CONTAINER })],
        }),
        deployment("team", "no-seccomp", {
          securityContext: { runAsNonRoot: true },
          containers: [container({ securityContext: RESTRICTED_CONTAINER })],
        }),
        deployment("team", "bare", pod(container())),
      );
      assert.strictEqual(workload(section, "good").status, "runnable");
      assert.deepStrictEqual(problems(workload(section, "escalates")), [
        'PodSecurity: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)',
      ]);
      assert.deepStrictEqual(problems(workload(section, "root")), [
        'PodSecurity: violates PodSecurity "restricted:latest": runAsUser=0 (pod must not set runAsUser=0)',
      ]);
      assert.deepStrictEqual(problems(workload(section, "no-seccomp")), [
        'PodSecurity: violates PodSecurity "restricted:latest": seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
      ]);
      assert.match(
        problems(workload(section, "bare"))[0],
        /allowPrivilegeEscalation != false .*unrestricted capabilities .*runAsNonRoot != true .*seccompProfile/,
      );
    });
  });

  describe("Priority (kubernetes plugin/pkg/admission/priority/admission.go)", () => {
    it("refuses a Pod naming a PriorityClass that does not exist, and admits the built-in and declared ones", () => {
      const section = simulate(
        cluster(
          {
            type: K8S.priorityClass,
            name: "pc",
            inputs: {
              apiVersion: "scheduling.k8s.io/v1",
              kind: "PriorityClass",
              metadata: { name: "batch-low" },
              value: 100,
            },
          },
          deployment("team", "declared", { ...pod(container()), priorityClassName: "batch-low" }),
          deployment("team", "missing", { ...pod(container()), priorityClassName: "batch-high" }),
        ),
      );
      assert.strictEqual(workload(section, "declared").status, "runnable");
      assert.deepStrictEqual(problems(workload(section, "missing")), [
        "Priority: no PriorityClass with name batch-high was found",
      ]);
    });
  });

  describe("NamespaceLifecycle (kubernetes plugin/pkg/admission/namespace/lifecycle/admission.go)", () => {
    it("refuses Pods in a namespace nothing creates; default and kube-system always exist", () => {
      const section = simulate([
        nodePool("system"),
        deployment("nowhere", "orphan", pod(container())),
        deployment("default", "home", pod(container())),
      ]);
      assert.deepStrictEqual(problems(workload(section, "orphan")), [
        'NamespaceLifecycle: namespaces "nowhere" not found',
      ]);
      assert.strictEqual(workload(section, "home").status, "runnable");
    });
  });

  describe("ExtendedResourceToleration (kubernetes plugin/pkg/admission/extendedresourcetoleration/admission.go; enabled by GKE)", () => {
    it("gives a Pod that requests nvidia.com/gpu the toleration for the GPU taint, so it lands on the GPU pool", () => {
      const w = workload(
        simulate(
          cluster(
            deployment("team", "gpu", pod(container({ requests: { cpu: "1" }, limits: { "nvidia.com/gpu": "1" } }))),
          ),
        ),
        "gpu",
      );
      assert.strictEqual(w.status, "runnable");
      assert.deepStrictEqual(w.pods[0].pools, ["gpu-l4"]);
      assert.ok(w.pods[0].injected.includes("toleration for nvidia.com/gpu (ExtendedResourceToleration)"));
    });
  });
});
