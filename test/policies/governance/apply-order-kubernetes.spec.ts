import * as assert from "node:assert";
import { controlPlanePortsToOpen, GKE_CONTROL_PLANE_OPEN_PORTS } from "../../../components/catalog/gke-control-plane";
import { HELM_CHARTS } from "../../../components/catalog/software";
import { applyOrder } from "../../../policies/governance/policies/apply-order";
import { ApplyGraph, nodesFromPlan } from "../../../policies/lib/analysis/apply-order/graph";
import { dependingOn, messagesOf, planOf, type TestResource, urnOf } from "../../helpers/policy";

/**
 * cnai-apply-order on Kubernetes objects: namespaces, the charts that serve an API group, and the
 * control plane's reach to webhooks on a private GKE cluster (before: every Kubernetes resource was
 * skipped).
 */
const urn = (r: TestResource) => urnOf(r.type, r.name!);
const CHART = "kubernetes:helm.sh/v4:Chart";
const chart = (
  name: string,
  ref: { chart: string; version: string; repo?: string },
  namespace: string,
  options: TestResource["options"] = {},
  provider?: string,
): TestResource => ({
  type: CHART,
  name,
  options,
  provider,
  inputs: {
    chart: ref.chart,
    version: ref.version,
    namespace,
    ...(ref.repo ? { repositoryOpts: { repo: ref.repo } } : {}),
  },
});
const namespace = (name: string): TestResource => ({
  type: "kubernetes:core/v1:Namespace",
  name: `${name}-ns`,
  inputs: { metadata: { name } },
});

describe("policy cnai-apply-order: Kubernetes", () => {
  const kueueNs = namespace("kueue-system");
  const kueue = chart("kueue", HELM_CHARTS.kueue, "kueue-system", dependingOn(kueueNs));

  it("puts a namespaced object, and a chart, after the plan's Namespace they name", async () => {
    const queue = (options: TestResource["options"]): TestResource => ({
      type: "kubernetes:kueue.x-k8s.io/v1beta2:LocalQueue",
      name: "team-a-queue",
      inputs: { metadata: { name: "default", namespace: "team-a" } },
      options,
    });
    const teamNs = namespace("team-a");
    assert.deepStrictEqual(
      await messagesOf(applyOrder, [kueueNs, kueue, teamNs, queue(dependingOn(kueue, teamNs))]),
      [],
    );
    const messages = await messagesOf(applyOrder, [
      kueueNs,
      chart("kueue", HELM_CHARTS.kueue, "kueue-system"),
      teamNs,
      queue(dependingOn(kueue)),
    ]);
    assert.deepStrictEqual(
      messages.map((m) => m.split(". ")[0]),
      [
        "kueue is created in namespace kueue-system, but not after kueue-system-ns, which creates it",
        "team-a-queue is created in namespace team-a, but not after team-a-ns, which creates it",
      ],
    );
  });

  it("puts an object after every chart that installs its API group's CRDs or webhooks (KServe: the CRD chart and the controller's webhooks)", async () => {
    const ns = namespace("kserve");
    const crds = chart("kserve-crd", HELM_CHARTS.kserveCrd, "kserve", dependingOn(ns));
    const controller = chart("kserve", HELM_CHARTS.kserveResources, "kserve", dependingOn(ns, crds));
    const isvc = (options: TestResource["options"]): TestResource => ({
      type: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
      name: "chat",
      inputs: { metadata: { name: "chat" } },
      options,
    });
    assert.deepStrictEqual(
      await messagesOf(applyOrder, [ns, crds, controller, isvc(dependingOn(controller))]),
      [],
      "after the controller, hence after the CRDs too",
    );
    const [early] = await messagesOf(applyOrder, [ns, crds, controller, isvc(dependingOn(crds))]);
    assert.match(
      early,
      /^chat \(serving\.kserve\.io\) is not created after kserve, the chart that installs that API group's CRDs or admission webhooks\./,
    );
    assert.deepStrictEqual(
      await messagesOf(applyOrder, [{ type: "kubernetes:example.com/v1:Widget", name: "w", inputs: {} }]),
      [],
      "a group no chart of the plan serves is not judged",
    );
  });

  it("puts a TrainJob after Kueue too, whose webhooks suspend it until admitted, but not a training runtime of the same group", async () => {
    // kueue v0.19.2 charts/kueue/values.yaml integrations.frameworks: trainer.kubeflow.org/trainjob.
    const trainerNs = namespace("kubeflow-system");
    const trainer = chart("trainer", HELM_CHARTS.kubeflowTrainer, "kubeflow-system", dependingOn(trainerNs));
    const job = (options: TestResource["options"]): TestResource => ({
      type: "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob",
      name: "finetune",
      inputs: {},
      options,
    });
    const runtime: TestResource = {
      type: "kubernetes:trainer.kubeflow.org/v1alpha1:ClusterTrainingRuntime",
      name: "torch",
      inputs: {},
      options: dependingOn(trainer),
    };
    assert.deepStrictEqual(
      await messagesOf(applyOrder, [kueueNs, kueue, trainerNs, trainer, runtime, job(dependingOn(trainer, kueue))]),
      [],
    );
    const [unqueued] = await messagesOf(applyOrder, [
      kueueNs,
      kueue,
      trainerNs,
      trainer,
      runtime,
      job(dependingOn(trainer)),
    ]);
    assert.match(
      unqueued,
      /^finetune \(trainer\.kubeflow\.org\) is not created after kueue, the chart that installs that API group's CRDs or admission webhooks\./,
    );
  });

  describe("webhooks on a private cluster", () => {
    const cluster: TestResource = {
      type: "gcp:container/cluster:Cluster",
      name: "gke",
      inputs: { privateClusterConfig: { enablePrivateNodes: true, masterIpv4CidrBlock: "172.16.0.0/28" } },
    };
    const firewall = (allows: unknown[], sourceRanges = ["172.16.0.0/28"]): TestResource => ({
      type: "gcp:compute/firewall:Firewall",
      name: "webhooks",
      inputs: { direction: "INGRESS", sourceRanges, allows },
    });
    const provider = (options: TestResource["options"]): TestResource => ({
      type: "pulumi:providers:kubernetes",
      name: "k8s",
      inputs: {},
      options,
    });

    it("knows the ports the pinned charts serve the control plane on, beyond GKE's 443 and 10250", () => {
      // Each from the chart's Service targetPort at its pinned version (software.ts): Kueue 9443 and 8082,
      // Trainer and JobSet 9443, KServe 9443, KEDA 9443 and 6443, Knative 8443; cert-manager and the
      // Prometheus operator use 10250, which GKE opens.
      assert.deepStrictEqual([...GKE_CONTROL_PLANE_OPEN_PORTS], [443, 10250]);
      assert.deepStrictEqual(controlPlanePortsToOpen(), [6443, 8082, 8443, 9443]);
      assert.deepStrictEqual(controlPlanePortsToOpen([HELM_CHARTS.certManager, HELM_CHARTS.kubePrometheusStack]), []);
    });

    it("puts a chart whose webhooks listen beyond GKE's ports after a firewall rule from the control plane range, through the Kubernetes provider", async () => {
      const open = firewall([{ protocol: "tcp", ports: ["9443", "8082"] }]);
      const k8s = provider(dependingOn(cluster, open));
      assert.deepStrictEqual(
        await messagesOf(applyOrder, [
          cluster,
          open,
          k8s,
          kueueNs,
          chart("kueue", HELM_CHARTS.kueue, "kueue-system", dependingOn(kueueNs), urn(k8s)),
        ]),
        [],
      );
      const [unordered] = await messagesOf(applyOrder, [
        cluster,
        open,
        provider(dependingOn(cluster)),
        kueueNs,
        chart("kueue", HELM_CHARTS.kueue, "kueue-system", dependingOn(kueueNs), urn(k8s)),
      ]);
      assert.match(
        unordered,
        /^kueue serves the control plane on TCP 9443, 8082 \(9443: admission webhooks for Kueue's objects .*; 8082: the visibility API .*\), which no firewall rule from the private cluster's control plane range \(172\.16\.0\.0\/28\) created before it opens/,
      );
    });

    it("counts only rules that open the port, over TCP, from the control plane range; ranges and all-ports rules count", async () => {
      const keda = chart("keda", HELM_CHARTS.keda, "keda", {}, urnOf("pulumi:providers:kubernetes", "k8s"));
      const judge = async (rule: TestResource) =>
        (await messagesOf(applyOrder, [cluster, rule, provider(dependingOn(cluster, rule)), keda])).map(
          (m) => /serves the control plane on TCP ([\d, ]+) /.exec(m)?.[1],
        );
      assert.deepStrictEqual(
        await judge(firewall([{ protocol: "tcp", ports: ["9443"] }])),
        ["6443"],
        "the metrics API's port is still closed",
      );
      assert.deepStrictEqual(await judge(firewall([{ protocol: "tcp", ports: ["6000-9999"] }])), []);
      assert.deepStrictEqual(await judge(firewall([{ protocol: "tcp" }])), []);
      assert.deepStrictEqual(await judge(firewall([{ protocol: "udp", ports: ["6443", "9443"] }])), ["9443, 6443"]);
      assert.deepStrictEqual(await judge(firewall([{ protocol: "tcp", ports: ["6443", "9443"] }], ["10.0.0.0/8"])), [
        "9443, 6443",
      ]);
      assert.deepStrictEqual(
        await messagesOf(applyOrder, [
          { ...cluster, inputs: { privateClusterConfig: { enablePrivateNodes: false } } },
          keda,
        ]),
        [],
        "public nodes: the control plane reaches them",
      );
    });
  });

  it("orders a resource after its explicit provider's dependencies (the SDK awaits the provider's registration)", () => {
    const gate: TestResource = { type: "gcp:compute/firewall:Firewall", name: "gate", inputs: {} };
    const k8s: TestResource = {
      type: "pulumi:providers:kubernetes",
      name: "k8s",
      inputs: {},
      options: dependingOn(gate),
    };
    const object: TestResource = { type: "kubernetes:core/v1:ConfigMap", name: "cm", inputs: {}, provider: urn(k8s) };
    const graph = new ApplyGraph(nodesFromPlan(planOf([gate, k8s, object]).resources));
    assert.ok(graph.isBefore(urn(gate), urn(object)));
    assert.ok(
      !new ApplyGraph(nodesFromPlan(planOf([gate, k8s, { ...object, provider: undefined }]).resources)).isBefore(
        urn(gate),
        urn(object),
      ),
    );
  });
});
