import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HELM_CHARTS, KNATIVE_SERVING_VERSION } from "../catalog/software";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { kubernetesLabels, podSecurityLabels, type StackLabels } from "../labels";

export const KSERVE_MODES = ["Standard", "Knative"] as const;
export type KServeMode = (typeof KSERVE_MODES)[number];

export interface KServeArgs {
  labels: StackLabels;
  /**
   * `Standard`: Deployments with HPA (no scale to zero, no Knative); `Knative`: Knative Serving
   * (scale to zero, canary traffic splits) through the Knative operator.
   * @default "Standard"
   */
  mode?: KServeMode;
  /** Domain of the model servers' URLs. @default "models.internal" */
  domain?: string;
}

/**
 * KServe and what it needs, in order: cert-manager (with its CRDs), the KServe CRD chart, the
 * KServe resources chart in the chosen deployment mode, and the serving runtimes chart (Hugging
 * Face/vLLM and the other ClusterServingRuntimes). Knative mode adds the Knative operator and a
 * KnativeServing with the Kourier ingress.
 */
export class KServe extends pulumi.ComponentResource {
  public readonly mode: KServeMode;
  /** The last chart; InferenceServices depend on it. */
  public readonly ready: pulumi.Resource;
  /** The cert-manager chart (with its CRDs): other charts whose webhooks use cert-manager wait for it. */
  public readonly certManager: pulumi.Resource;

  constructor(name: string, args: KServeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:serving:KServe", name, {}, opts);
    const { mode, domain } = resolveKServeArgs(name, args, this);
    this.mode = mode;
    const labels = kubernetesLabels(args.labels, "kserve");
    // Pod Security per namespace: cert-manager's chart runs as non-root with RuntimeDefault seccomp
    // and no capabilities (restricted); the KServe controller and Knative's operator, activator and
    // Kourier gateway are not all declared restricted-compliant upstream, so they get baseline.
    const namespace = (ns: string, level: "restricted" | "baseline", after: pulumi.Resource[] = []) =>
      new k8s.core.v1.Namespace(
        `${name}-${ns}`,
        { metadata: { name: ns, labels: { ...labels, ...podSecurityLabels(level) } } },
        childOptions(this, opts, { dependsOn: after }),
      );
    const chart = (
      key: keyof typeof HELM_CHARTS,
      release: string,
      values: Record<string, unknown>,
      after: pulumi.Resource[],
    ) => {
      const ref = HELM_CHARTS[key];
      return new k8s.helm.v4.Chart(
        `${name}-${release}`,
        {
          chart: ref.chart,
          version: ref.version,
          ...("repo" in ref ? { repositoryOpts: { repo: ref.repo } } : {}),
          namespace: ref.namespace,
          name: release,
          values,
        },
        childOptions(this, opts, { dependsOn: after }),
      );
    };

    const certManagerNs = namespace(HELM_CHARTS.certManager.namespace, "restricted");
    const certManager = chart("certManager", "cert-manager", { crds: { enabled: true } }, [certManagerNs]);
    this.certManager = certManager;
    const kserveNs = namespace(HELM_CHARTS.kserveCrd.namespace, "baseline");
    const crds = chart("kserveCrd", "kserve-crd", {}, [kserveNs]);
    let servingLayer: pulumi.Resource[] = [];
    if (mode === "Knative") {
      const operatorNs = namespace(HELM_CHARTS.knativeOperator.namespace, "baseline");
      const operator = chart("knativeOperator", "knative-operator", {}, [operatorNs]);
      const servingNs = namespace("knative-serving", "baseline");
      const knativeServing = new k8s.apiextensions.CustomResource(
        `${name}-knative-serving`,
        {
          apiVersion: "operator.knative.dev/v1beta1",
          kind: "KnativeServing",
          metadata: { name: "knative-serving", namespace: "knative-serving", labels },
          spec: {
            version: KNATIVE_SERVING_VERSION,
            ingress: { kourier: { enabled: true } },
            config: {
              network: { "ingress-class": "kourier.ingress.networking.knative.dev" },
              // Model servers land on GPU pools by node selector and toleration, which Knative
              // refuses unless these features are on.
              features: {
                "kubernetes.podspec-nodeselector": "enabled",
                "kubernetes.podspec-tolerations": "enabled",
                "kubernetes.podspec-affinity": "enabled",
              },
            },
          },
        },
        childOptions(this, opts, { dependsOn: [operator, servingNs] }),
      );
      servingLayer = [knativeServing];
    }
    // Standard mode scales model servers on vLLM's queue through KEDA (ModelDeployment's waiting-requests).
    // KEDA comes before the KServe controller: at start-up the controller watches (Owns) ScaledObjects
    // only if their CRD exists, and otherwise logs "won't watch keda.sh/v1/ScaledObject" and never
    // repairs a drifted or deleted ScaledObject (kserve/kserve v0.20.0
    // pkg/controller/v1beta1/inferenceservice/controller.go SetupWithManager; hack/setup/quick-install
    // installs KEDA before KServe).
    const keda =
      mode === "Standard" ? [chart("keda", "keda", {}, [namespace(HELM_CHARTS.keda.namespace, "restricted")])] : [];
    const resources = chart(
      "kserveResources",
      "kserve",
      {
        kserve: {
          controller: {
            deploymentMode: mode,
            // Model servers are reached inside the cluster (`<name>-predictor.<namespace>`); the model
            // gateway (components/gateway) exposes them with IAP rather than one Ingress per model.
            gateway: {
              domain,
              disableIngressCreation: mode === "Standard",
              disableIstioVirtualHost: mode === "Knative",
            },
          },
          // OCI model artifacts (oci:// storage URIs) as modelcars.
          storage: { enableModelcar: true },
        },
      },
      [certManager, crds, ...servingLayer, ...keda],
    );
    this.ready = chart(
      "kserveRuntimeConfigs",
      "kserve-runtime-configs",
      { kserve: { servingruntime: { enabled: true } } },
      [resources],
    );
    this.registerOutputs({ mode });
  }
}

/** Applies defaults and checks the args; throws a ResourceError. Pure. */
export function resolveKServeArgs(
  name: string,
  args: KServeArgs,
  resource?: pulumi.Resource,
): { mode: KServeMode; domain: string } {
  const fail = argumentError("KServe", name, resource);
  const mode = args.mode ?? "Standard";
  if (!(KSERVE_MODES as readonly string[]).includes(mode))
    fail(`mode ${mode} is not one of ${KSERVE_MODES.join(", ")}`);
  const domain = args.domain ?? "models.internal";
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/.test(domain))
    fail(`domain ${domain} is not a DNS name`);
  return { mode, domain };
}
