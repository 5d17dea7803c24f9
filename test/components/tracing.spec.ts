import * as assert from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { collectorSpec, samplingPercentage, Tracing, type TracingArgs } from "../../components/observability/tracing";
import { deriveOpenTelemetryCollector } from "../../policies/lib/analysis/workloads/derive/otel-collector";
import { all, input, one, run, STACK_LABELS } from "../helpers/run";

class Marker extends pulumi.ComponentResource {
  constructor(name: string) {
    super("test:index:Marker", name);
  }
}

const args = (overrides: Partial<TracingArgs> = {}): TracingArgs => ({
  project: "acme-test",
  prefix: "cnai-test",
  labels: STACK_LABELS,
  samplingRatio: 0.05,
  teamNamespaces: ["team-nlp"],
  cluster: new Marker("cluster"),
  certManager: [],
  ...overrides,
});

const COLLECTOR = "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector";

describe("Tracing", () => {
  it("installs the operator chart 0.122.0 with cert-manager certificates for its webhooks", async () => {
    const result = await run(() => new Tracing("tracing", args()));
    const chart = one(result, "kubernetes:helm.sh/v4:Chart");
    assert.deepStrictEqual(
      [input(chart, "chart"), input(chart, "version"), input(chart, "repositoryOpts.repo")],
      ["opentelemetry-operator", "0.122.0", "https://open-telemetry.github.io/opentelemetry-helm-charts"],
    );
    assert.strictEqual(input(chart, "values.admissionWebhooks.certManager.enabled"), true);
  });

  it("a contrib collector: OTLP in, whole-trace sampling at the ratio, googlecloud out, as a Workload Identity KSA", async () => {
    const result = await run(() => new Tracing("tracing", args()));
    const collector = one(result, COLLECTOR);
    assert.strictEqual(input(collector, "spec.image"), "otel/opentelemetry-collector-contrib:0.158.0");
    assert.strictEqual(input(collector, "spec.serviceAccount"), "otel-collector");
    assert.deepStrictEqual(input(collector, "spec.config.processors.probabilistic_sampler"), {
      sampling_percentage: 5,
    });
    assert.deepStrictEqual(input(collector, "spec.config.exporters"), { googlecloud: { project: "acme-test" } });
    assert.deepStrictEqual(input(collector, "spec.config.service.pipelines.traces"), {
      receivers: ["otlp"],
      processors: ["memory_limiter", "probabilistic_sampler", "batch"],
      exporters: ["googlecloud"],
    });
    const role = all(result, "gcp:projects/iAMMember:IAMMember").map((m) => input(m, "role"));
    assert.deepStrictEqual(role, ["roles/cloudtrace.agent"]);
    const wi = one(result, "gcp:serviceaccount/iAMMember:IAMMember");
    assert.strictEqual(input(wi, "role"), "roles/iam.workloadIdentityUser");
    assert.strictEqual(input(wi, "member"), "serviceAccount:acme-test.svc.id.goog[cnai-tracing/otel-collector]");
    const ksa = all(result, "kubernetes:core/v1:ServiceAccount").find(
      (s) => input(s, "metadata.name") === "otel-collector",
    );
    assert.ok(
      ksa && Object.keys(input(ksa, "metadata.annotations") as object).includes("iam.gke.io/gcp-service-account"),
    );
  });

  it("offers Python auto-instrumentation in each team namespace, and lets its Pods reach the collector", async () => {
    const result = await run(() => new Tracing("tracing", args({ teamNamespaces: ["team-a", "team-b"] })));
    const instrumentations = all(result, "kubernetes:opentelemetry.io/v1alpha1:Instrumentation");
    assert.deepStrictEqual(
      instrumentations.map((i) => [input(i, "metadata.namespace"), input(i, "spec.exporter.endpoint")]),
      [
        ["team-a", "http://traces-collector.cnai-tracing.svc.cluster.local:4318"],
        ["team-b", "http://traces-collector.cnai-tracing.svc.cluster.local:4318"],
      ],
    );
    const egress = all(result, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    assert.deepStrictEqual(input(egress[0], "spec.egress.0.ports"), [
      { protocol: "TCP", port: 4317 },
      { protocol: "TCP", port: 4318 },
    ]);
  });

  it("refuses a sampling ratio outside 0..1", async () => {
    await assert.rejects(
      run(() => new Tracing("tracing", args({ samplingRatio: 2 }))),
      /Tracing "tracing": samplingRatio must be from 0 to 1 \(got 2\)/,
    );
  });

  it("samplingPercentage turns ratios into the processor's percentage", () => {
    assert.strictEqual(samplingPercentage(1), 100);
    assert.strictEqual(samplingPercentage(0.25), 25);
    assert.strictEqual(samplingPercentage(0.001), 0.1);
  });
});

describe("workload simulation: OpenTelemetryCollector", () => {
  const collector = (mode: string, chart: boolean) => ({
    urn: "urn:pulumi:test::p::kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector::traces",
    type: "kubernetes:opentelemetry.io/v1beta1:OpenTelemetryCollector",
    name: "traces",
    kind: "OpenTelemetryCollector",
    objectName: "traces",
    namespace: "cnai-tracing",
    props: {
      apiVersion: "opentelemetry.io/v1beta1",
      kind: "OpenTelemetryCollector",
      metadata: { name: "traces", namespace: "cnai-tracing" },
      spec: { ...collectorSpec({ project: "p", image: "img:1", replicas: 2, samplingRatio: 1 }), mode },
    },
    chart,
  });
  const derive = (mode: string, chart: boolean) =>
    deriveOpenTelemetryCollector(
      collector(mode, chart) as never,
      {
        charts: chart
          ? [
              {
                urn: "u",
                type: "kubernetes:helm.sh/v4:Chart",
                name: "c",
                props: { chart: "opentelemetry-operator", version: "0.122.0" },
              },
            ]
          : [],
      } as never,
    );

  it("deployment mode: `replicas` Pods of otc-container with the spec's resources, as the spec's service account", () => {
    const w = derive("deployment", true);
    assert.strictEqual(w.groups[0].count, 2);
    assert.strictEqual(w.groups[0].pod.spec.serviceAccountName, "otel-collector");
    assert.strictEqual(w.groups[0].pod.spec.containers[0].name, "otc-container");
    assert.deepStrictEqual(w.groups[0].pod.spec.containers[0].resources.requests, { cpu: "200m", memory: "256Mi" });
    assert.deepStrictEqual(w.problems, []);
  });

  it("without the operator in the plan nothing creates its Pods; sidecar mode has none of its own", () => {
    const missing = derive("deployment", false);
    assert.match(missing.problems[0].message, /no OpenTelemetry Operator in the plan/);
    const sidecar = derive("sidecar", true);
    assert.strictEqual(sidecar.groups.length, 0);
  });
});
