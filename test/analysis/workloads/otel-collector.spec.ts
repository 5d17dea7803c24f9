import * as assert from "node:assert";
import type { JsonObject } from "../../../components/json";
import { indexCluster } from "../../../policies/lib/analysis/workloads/cluster";
import { deriveWorkloads } from "../../../policies/lib/analysis/workloads/derive";
import type { Workload } from "../../../policies/lib/analysis/workloads/model";
import { planOf, type TestResource } from "../../helpers/policy";
import { GPU_TOLERATION, K8S } from "./fixtures";

/**
 * The Pods the OpenTelemetry Operator v0.158.0 builds for an OpenTelemetryCollector. Expected values from
 * open-telemetry/opentelemetry-operator v0.158.0: internal/manifests/collector/{deployment,daemonset,statefulset,
 * container,serviceaccount}.go, internal/naming/main.go (Container "otc-container", ServiceAccount "<name>-collector"),
 * internal/manifests/manifestutils/labels.go (app.kubernetes.io/component: opentelemetry-collector) and
 * internal/webhook/collector_webhook.go (mode defaults to deployment, replicas to 1).
 */
const COLLECTOR = "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector";
const operator: TestResource = {
  type: K8S.chart,
  name: "otel-operator",
  inputs: {
    chart: "opentelemetry-operator",
    version: "0.100.0",
    namespace: "opentelemetry-operator-system",
    name: "opentelemetry-operator",
  },
};
const IMAGE = "otel/opentelemetry-collector-contrib:0.138.0";

function collector(spec: JsonObject | undefined, labels: Record<string, string> = {}): TestResource {
  return {
    type: COLLECTOR,
    name: "traces",
    inputs: {
      apiVersion: "opentelemetry.io/v1beta1",
      kind: "OpenTelemetryCollector",
      metadata: { name: "traces", namespace: "observability", labels },
      ...(spec ? { spec } : {}),
    },
  };
}
const derive = (resources: TestResource[]): Workload =>
  deriveWorkloads(indexCluster(planOf(resources).resources)).find((w) => w.kind === "OpenTelemetryCollector")!;

describe("workload simulation: OpenTelemetry Operator v0.158.0 OpenTelemetryCollector Pods (internal/manifests/collector)", () => {
  it("defaults to deployment mode with one replica: one otc-container Pod under the <name>-collector service account, labelled opentelemetry-collector", () => {
    const w = derive([operator, collector({ image: IMAGE, config: {} }, { team: "platform" })]);
    assert.strictEqual(w.name, "traces");
    assert.strictEqual(w.namespace, "observability");
    assert.strictEqual(w.source, "declared");
    assert.strictEqual(w.gang, false, "a Deployment's Pods start independently");
    assert.deepStrictEqual(w.problems, []);
    assert.match(w.controller, /OpenTelemetry Operator/);
    assert.match(w.controller, /0\.100\.0/, "the chart's version");
    assert.strictEqual(w.groups.length, 1);
    const [g] = w.groups;
    assert.strictEqual(g.name, "collector");
    assert.strictEqual(g.count, 1);
    assert.strictEqual(g.daemon, undefined);
    assert.deepStrictEqual(g.injected, []);
    assert.match(g.pod.metadata.name, /^traces-collector/, "the Deployment is named <name>-collector");
    assert.strictEqual(g.pod.metadata.namespace, "observability");
    assert.strictEqual(g.pod.metadata.labels.team, "platform", "the collector's labels are copied to its Pods");
    assert.strictEqual(g.pod.metadata.labels["app.kubernetes.io/component"], "opentelemetry-collector");
    assert.deepStrictEqual(g.pod.spec, {
      serviceAccountName: "traces-collector",
      containers: [{ name: "otc-container", image: IMAGE }],
    });
    assert.ok(w.notes.some((n) => /deployment mode/.test(n)));
  });

  it("copies the spec's container and Pod fields into the Pod (container.go, deployment.go)", () => {
    const resources = { requests: { cpu: "200m", memory: "256Mi" }, limits: { memory: "512Mi" } };
    const securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
    const podSecurityContext = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
    const env = [{ name: "GOMEMLIMIT", value: "400MiB" }];
    const nodeSelector = { "cloud.google.com/gke-nodepool": "system" };
    const affinity = { nodeAffinity: {} };
    const w = derive([
      operator,
      collector({
        image: IMAGE,
        resources,
        securityContext,
        podSecurityContext,
        env,
        serviceAccount: "otel-gsa",
        nodeSelector,
        tolerations: [GPU_TOLERATION],
        affinity,
        priorityClassName: "system-cluster-critical",
        hostNetwork: true,
      }),
    ]);
    const spec = w.groups[0].pod.spec;
    assert.deepStrictEqual(spec.containers, [{ name: "otc-container", image: IMAGE, resources, securityContext, env }]);
    assert.strictEqual(spec.serviceAccountName, "otel-gsa", "ServiceAccountName: the spec's when set");
    assert.deepStrictEqual(spec.securityContext, podSecurityContext);
    assert.deepStrictEqual(spec.nodeSelector, nodeSelector);
    assert.deepStrictEqual(spec.tolerations, [GPU_TOLERATION]);
    assert.deepStrictEqual(spec.affinity, affinity);
    assert.strictEqual(spec.priorityClassName, "system-cluster-critical");
    assert.strictEqual(spec.hostNetwork, true);
  });

  it("leaves hostNetwork out when false (the Pod's default)", () => {
    const w = derive([operator, collector({ image: IMAGE, hostNetwork: false })]);
    assert.strictEqual("hostNetwork" in w.groups[0].pod.spec, false);
  });

  const modes: { mode: string; replicas?: number; count: number; daemon: boolean }[] = [
    { mode: "deployment", replicas: 3, count: 3, daemon: false },
    { mode: "statefulset", count: 1, daemon: false },
    { mode: "statefulset", replicas: 2, count: 2, daemon: false },
    { mode: "daemonset", replicas: 3, count: 1, daemon: true },
  ];
  for (const { mode, replicas, count, daemon } of modes) {
    it(`${mode} mode${replicas !== undefined ? ` with replicas ${replicas}` : ""}: ${daemon ? "one Pod per node" : `${count} Pod(s)`}`, () => {
      const w = derive([operator, collector({ mode, image: IMAGE, ...(replicas !== undefined ? { replicas } : {}) })]);
      const [g] = w.groups;
      assert.strictEqual(g.count, count);
      assert.strictEqual(g.daemon, daemon ? true : undefined);
      assert.ok(w.notes.some((n) => n.includes(`${mode} mode`)));
    });
  }

  it("sidecar mode creates no Pods of its own (the operator's Pod webhook injects the collector)", () => {
    const w = derive([operator, collector({ mode: "sidecar", image: IMAGE })]);
    assert.deepStrictEqual(w.groups, []);
    assert.ok(w.notes.some((n) => /sidecar mode/.test(n)));
  });

  it("reports a collector without the operator chart, naming the object and the fix", () => {
    const w = derive([collector({ image: IMAGE })]);
    assert.match(w.controller, /not installed/);
    assert.strictEqual(w.problems.length, 1);
    const [problem] = w.problems;
    assert.strictEqual(problem.step, "Controller");
    assert.match(problem.message, /opentelemetry-operator/);
    assert.match(problem.message, /OpenTelemetryCollector observability\/traces/);
    assert.match(problem.fix, /install the operator/);
    assert.match(problem.source, /opentelemetry-helm-charts/);
    assert.strictEqual(w.groups.length, 1, "still derives its Pods");
  });

  it("derives a collector without a spec as one deployment-mode Pod", () => {
    const w = derive([operator, collector(undefined)]);
    assert.strictEqual(w.groups[0].count, 1);
    assert.strictEqual(w.groups[0].pod.spec.serviceAccountName, "traces-collector");
  });
});
