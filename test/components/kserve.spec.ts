import * as assert from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import { HELM_CHARTS, KNATIVE_SERVING_VERSION } from "../../components/catalog/software";
import { KSERVE_MODES, KServe, type KServeArgs } from "../../components/serving/kserve";
import { ProgramError, type RunResult } from "../../scripts/lib/engine";
import { conformance } from "../helpers/conformance";
import { expectedPodSecurityLabels } from "../helpers/kubernetes-checks";
import { all, input, kubernetesLabels, one, run, STACK_LABELS } from "../helpers/run";

const COMPONENT = "cnai:serving:KServe";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const CHART = "kubernetes:helm.sh/v4:Chart";
const KNATIVE_SERVING = "kubernetes:operator.knative.dev/v1beta1:KnativeServing";
const PROVIDER = "pulumi:providers:kubernetes";

const LABELS = kubernetesLabels("kserve");

/** Runs a KServe named "kserve" with its own Kubernetes provider; outputs its mode and the URN of `ready`. */
function kserve(overrides: Partial<KServeArgs> = {}): Promise<RunResult> {
  return run(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    const ks = new KServe("kserve", { labels: STACK_LABELS, ...overrides }, { providers: { kubernetes: provider } });
    return { mode: ks.mode, ready: (ks.ready as k8s.helm.v4.Chart).urn };
  });
}

/** The Namespace object (not resource) named `name`. */
function namespaceNamed(result: RunResult, name: string) {
  const found = all(result, NAMESPACE).filter((ns) => input(ns, "metadata.name") === name);
  assert.strictEqual(found.length, 1, `expected one namespace ${name}, found ${found.length}`);
  return found[0];
}

/** The chart release named `release` (the Helm release name, looked up by name, never by position). */
function chart(result: RunResult, release: string) {
  return one(result, CHART, `kserve-${release}`);
}

const sorted = (list: string[]) => [...list].sort();

describe("KServe", () => {
  describe("defaults", () => {
    it("runs in Standard mode (Deployments with HPA) and outputs the mode", async () => {
      const result = await kserve();
      assert.strictEqual(result.outputs.mode, "Standard");
      assert.strictEqual(input(chart(result, "kserve"), "values.kserve.controller.deploymentMode"), "Standard");
      assert.deepStrictEqual([...KSERVE_MODES], ["Standard", "Knative"]);
    });

    it("creates the cert-manager, kserve and keda namespaces, labelled, and no other", async () => {
      const result = await kserve();
      assert.deepStrictEqual(sorted(all(result, NAMESPACE).map((ns) => String(input(ns, "metadata.name")))), [
        "cert-manager",
        "keda",
        "kserve",
      ]);
      // KEDA's chart runs non-root, without capabilities, with RuntimeDefault seccomp (kedacore/charts v2.20.2 values.yaml).
      assert.deepStrictEqual(namespaceNamed(result, "keda").inputs.metadata, {
        name: "keda",
        labels: { ...LABELS, ...expectedPodSecurityLabels("restricted") },
      });
      // Pod Security: cert-manager's chart is restricted-compliant; the KServe controller gets baseline.
      assert.deepStrictEqual(namespaceNamed(result, "cert-manager").inputs.metadata, {
        name: "cert-manager",
        labels: { ...LABELS, ...expectedPodSecurityLabels("restricted") },
      });
      assert.deepStrictEqual(namespaceNamed(result, "kserve").inputs.metadata, {
        name: "kserve",
        labels: { ...LABELS, ...expectedPodSecurityLabels("baseline") },
      });
      assert.strictEqual(HELM_CHARTS.certManager.namespace, "cert-manager");
      assert.strictEqual(HELM_CHARTS.kserveCrd.namespace, "kserve");
    });

    it("installs cert-manager from its repository, with its CRDs, after its namespace", async () => {
      const result = await kserve();
      const certManager = chart(result, "cert-manager");
      assert.strictEqual(certManager.remote, true);
      assert.strictEqual(input(certManager, "chart"), HELM_CHARTS.certManager.chart);
      assert.strictEqual(input(certManager, "chart"), "cert-manager");
      assert.strictEqual(input(certManager, "version"), HELM_CHARTS.certManager.version);
      assert.deepStrictEqual(input(certManager, "repositoryOpts"), { repo: HELM_CHARTS.certManager.repo });
      assert.strictEqual(input(certManager, "namespace"), "cert-manager");
      assert.strictEqual(input(certManager, "name"), "cert-manager");
      assert.deepStrictEqual(input(certManager, "values"), { crds: { enabled: true } });
      assert.deepStrictEqual(certManager.options.dependsOn, [namespaceNamed(result, "cert-manager").urn]);
    });

    it("installs the KServe CRD chart v0.20.0 from its OCI reference, after the kserve namespace", async () => {
      const result = await kserve();
      const crds = chart(result, "kserve-crd");
      assert.strictEqual(input(crds, "chart"), "oci://ghcr.io/kserve/charts/kserve-crd");
      assert.strictEqual(input(crds, "chart"), HELM_CHARTS.kserveCrd.chart);
      assert.strictEqual(input(crds, "version"), "v0.20.0");
      assert.strictEqual(input(crds, "repositoryOpts"), undefined, "an OCI chart has no repository");
      assert.strictEqual(input(crds, "namespace"), "kserve");
      assert.strictEqual(input(crds, "name"), "kserve-crd");
      assert.deepStrictEqual(input(crds, "values"), {});
      assert.deepStrictEqual(crds.options.dependsOn, [namespaceNamed(result, "kserve").urn]);
    });

    it("installs kserve-resources as release kserve after cert-manager and the CRD chart, with no Ingress per model, domain models.internal and modelcars", async () => {
      const result = await kserve();
      const resources = chart(result, "kserve");
      assert.strictEqual(input(resources, "chart"), HELM_CHARTS.kserveResources.chart);
      assert.strictEqual(input(resources, "chart"), "oci://ghcr.io/kserve/charts/kserve-resources");
      assert.strictEqual(input(resources, "version"), HELM_CHARTS.kserveResources.version);
      assert.strictEqual(input(resources, "repositoryOpts"), undefined);
      assert.strictEqual(input(resources, "namespace"), "kserve");
      assert.strictEqual(input(resources, "name"), "kserve");
      assert.deepStrictEqual(input(resources, "values"), {
        kserve: {
          controller: {
            deploymentMode: "Standard",
            gateway: { domain: "models.internal", disableIngressCreation: true, disableIstioVirtualHost: false },
          },
          storage: { enableModelcar: true },
        },
      });
      // KEDA first: KServe v0.20.0's controller watches ScaledObjects only if their CRD exists at start-up
      // (pkg/controller/v1beta1/inferenceservice/controller.go, SetupWithManager: IsCrdAvailable, else "won't watch").
      assert.deepStrictEqual(
        sorted(resources.options.dependsOn),
        sorted([chart(result, "cert-manager").urn, chart(result, "kserve-crd").urn, chart(result, "keda").urn]),
      );
    });

    it("installs kserve-runtime-configs with the serving runtimes enabled, after kserve, and `ready` is that chart", async () => {
      const result = await kserve();
      const runtimes = chart(result, "kserve-runtime-configs");
      assert.strictEqual(input(runtimes, "chart"), HELM_CHARTS.kserveRuntimeConfigs.chart);
      assert.strictEqual(input(runtimes, "version"), HELM_CHARTS.kserveRuntimeConfigs.version);
      assert.strictEqual(input(runtimes, "namespace"), "kserve");
      assert.strictEqual(input(runtimes, "name"), "kserve-runtime-configs");
      assert.deepStrictEqual(input(runtimes, "values"), { kserve: { servingruntime: { enabled: true } } });
      assert.deepStrictEqual(runtimes.options.dependsOn, [chart(result, "kserve").urn]);
      assert.strictEqual(result.outputs.ready, runtimes.urn);
    });

    it("installs KEDA 2.20.2 in Standard mode, before model servers (KServe's keda autoscaler class creates ScaledObjects)", async () => {
      const keda = chart(await kserve(), "keda");
      assert.deepStrictEqual(
        [input(keda, "chart"), input(keda, "version"), input(keda, "repositoryOpts"), input(keda, "namespace")],
        ["keda", "2.20.2", { repo: "https://kedacore.github.io/charts" }, "keda"],
      );
      assert.strictEqual(
        all(await kserve({ mode: "Knative" }), CHART).filter((c) => c.name === "kserve-keda").length,
        0,
        "Knative mode scales with Knative's autoscaler",
      );
    });

    it("pins the KServe charts to one version, v0.20.0", () => {
      for (const key of ["kserveCrd", "kserveResources", "kserveRuntimeConfigs"] as const) {
        assert.strictEqual(HELM_CHARTS[key].version, "v0.20.0", key);
      }
    });

    it("installs nothing of Knative in Standard mode: five charts (KEDA among them), no KnativeServing, no Knative namespaces", async () => {
      const result = await kserve();
      assert.deepStrictEqual(sorted(all(result, CHART).map((c) => c.name)), [
        "kserve-cert-manager",
        "kserve-keda",
        "kserve-kserve",
        "kserve-kserve-crd",
        "kserve-kserve-runtime-configs",
      ]);
      assert.strictEqual(all(result, KNATIVE_SERVING).length, 0);
      assert.ok(!result.resources.some((r) => /knative/.test(r.name)), "no resource named for Knative");
    });

    it("parents every Kubernetes object to the component, through the given provider", async () => {
      const result = await kserve();
      const provider = one(result, PROVIDER);
      const component = one(result, COMPONENT, "kserve");
      const objects = result.resources.filter((r) => r.type.startsWith("kubernetes:"));
      assert.strictEqual(objects.length, 8);
      for (const object of objects) {
        assert.strictEqual(object.parent, component.urn, `${object.name} is a child of the component`);
        assert.ok(
          object.provider?.startsWith(`${provider.urn}::`),
          `${object.name} uses the given provider (got ${object.provider})`,
        );
      }
    });

    it("declares namespaces that conform to the Kubernetes schemas", async function () {
      const report = await conformance(this, await kserve());
      assert.deepStrictEqual(report.problems, []);
      assert.strictEqual(report.coreObjects, 3);
      assert.strictEqual(report.customResources, 0);
    });
  });

  describe("options", () => {
    it("domain sets the model servers' domain", async () => {
      const result = await kserve({ domain: "models.acme.example" });
      assert.strictEqual(
        input(chart(result, "kserve"), "values.kserve.controller.gateway.domain"),
        "models.acme.example",
      );
    });

    it("mode Knative installs the Knative operator chart from its repository in knative-operator, after its namespace", async () => {
      const result = await kserve({ mode: "Knative" });
      const operator = chart(result, "knative-operator");
      assert.strictEqual(input(operator, "chart"), "knative-operator");
      assert.strictEqual(input(operator, "chart"), HELM_CHARTS.knativeOperator.chart);
      assert.deepStrictEqual(input(operator, "repositoryOpts"), { repo: "https://knative.github.io/operator" });
      assert.deepStrictEqual(input(operator, "repositoryOpts"), { repo: HELM_CHARTS.knativeOperator.repo });
      assert.strictEqual(input(operator, "version"), "v1.21.1");
      assert.strictEqual(input(operator, "namespace"), "knative-operator");
      assert.strictEqual(input(operator, "name"), "knative-operator");
      assert.deepStrictEqual(operator.options.dependsOn, [namespaceNamed(result, "knative-operator").urn]);
    });

    it("mode Knative adds the knative-operator and knative-serving namespaces, labelled", async () => {
      const result = await kserve({ mode: "Knative" });
      assert.deepStrictEqual(sorted(all(result, NAMESPACE).map((ns) => String(input(ns, "metadata.name")))), [
        "cert-manager",
        "knative-operator",
        "knative-serving",
        "kserve",
      ]);
      for (const name of ["knative-operator", "knative-serving"]) {
        assert.deepStrictEqual(namespaceNamed(result, name).inputs.metadata, {
          name,
          labels: { ...LABELS, ...expectedPodSecurityLabels("baseline") },
        });
      }
    });

    it("mode Knative declares a KnativeServing with the pinned version and the Kourier ingress, after the operator and its namespace", async () => {
      const result = await kserve({ mode: "Knative" });
      const serving = one(result, KNATIVE_SERVING);
      assert.strictEqual(input(serving, "apiVersion"), "operator.knative.dev/v1beta1");
      assert.strictEqual(input(serving, "kind"), "KnativeServing");
      assert.deepStrictEqual(serving.inputs.metadata, {
        name: "knative-serving",
        namespace: "knative-serving",
        labels: LABELS,
      });
      assert.strictEqual(input(serving, "spec.version"), KNATIVE_SERVING_VERSION);
      assert.strictEqual(KNATIVE_SERVING_VERSION, "1.21.1");
      assert.deepStrictEqual(input(serving, "spec.ingress"), { kourier: { enabled: true } });
      assert.deepStrictEqual(input(serving, "spec.config.network"), {
        "ingress-class": "kourier.ingress.networking.knative.dev",
      });
      assert.deepStrictEqual(
        input(serving, "spec.config.features"),
        {
          "kubernetes.podspec-nodeselector": "enabled",
          "kubernetes.podspec-tolerations": "enabled",
          "kubernetes.podspec-affinity": "enabled",
        },
        "GPU model servers need node selectors and tolerations",
      );
      assert.deepStrictEqual(
        sorted(serving.options.dependsOn),
        sorted([chart(result, "knative-operator").urn, namespaceNamed(result, "knative-serving").urn]),
      );
    });

    it("mode Knative installs kserve-resources in Knative mode after cert-manager, the CRDs and the KnativeServing, and outputs the mode", async () => {
      const result = await kserve({ mode: "Knative" });
      const resources = chart(result, "kserve");
      assert.strictEqual(input(resources, "values.kserve.controller.deploymentMode"), "Knative");
      assert.deepStrictEqual(
        input(resources, "values.kserve.controller.gateway"),
        { domain: "models.internal", disableIngressCreation: false, disableIstioVirtualHost: true },
        "Kourier, not Istio",
      );
      assert.deepStrictEqual(
        sorted(resources.options.dependsOn),
        sorted([chart(result, "cert-manager").urn, chart(result, "kserve-crd").urn, one(result, KNATIVE_SERVING).urn]),
      );
      assert.deepStrictEqual(chart(result, "kserve-runtime-configs").options.dependsOn, [resources.urn]);
      assert.strictEqual(result.outputs.mode, "Knative");
      assert.strictEqual(result.outputs.ready, chart(result, "kserve-runtime-configs").urn);
    });

    it("mode Knative: the KnativeServing conforms to the knative/operator CRD, and so do the namespaces", async function () {
      const result = await kserve({ mode: "Knative" });
      const report = await conformance(this, result);
      assert.deepStrictEqual(report.problems, []);
      assert.strictEqual(report.customResources, 1, "the KnativeServing");
      assert.strictEqual(report.coreObjects, 4);
    });

    it("a dependsOn given to the component reaches every child", async () => {
      const result = await run(() => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
        const before = new k8s.core.v1.Namespace("before", { metadata: { name: "before" } }, { provider });
        new KServe(
          "kserve",
          { labels: STACK_LABELS, mode: "Knative" },
          { providers: { kubernetes: provider }, dependsOn: [before] },
        );
      });
      const before = one(result, NAMESPACE, "before");
      const children = result.resources.filter((r) => r.parent === one(result, COMPONENT).urn);
      assert.strictEqual(children.length, 10, "four namespaces, five charts and the KnativeServing");
      for (const child of children)
        assert.ok(child.options.dependsOn.includes(before.urn), `${child.name} waits for what the component waits for`);
    });
  });

  describe("validation", () => {
    it("refuses an unknown mode, naming the allowed ones, and creates no chart, namespace or KnativeServing", async () => {
      await assert.rejects(kserve({ mode: "Serverless" as never }), (error: ProgramError) => {
        assert.ok(error instanceof ProgramError, "expected the program to fail");
        assert.strictEqual(error.message, 'KServe "kserve": mode Serverless is not one of Standard, Knative');
        assert.strictEqual(error.resources.filter((r) => r.type === CHART).length, 0);
        assert.strictEqual(error.resources.filter((r) => r.type.startsWith("kubernetes:")).length, 0);
        return true;
      });
    });
  });
});
