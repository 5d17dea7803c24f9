/**
 * Cluster software the blueprint installs, pinned in one table: Helm charts (reference, repository,
 * version, namespace) and container images. Read from each project's release tags; re-check the
 * notes when bumping a version.
 */
export interface HelmChartRef {
  /** Chart name, or a full `oci://` reference. */
  readonly chart: string;
  /** Classic Helm repository URL; absent for OCI charts. */
  readonly repo?: string;
  readonly version: string;
  readonly namespace: string;
  /** Where the facts were read. */
  readonly source: string;
  /**
   * What the API server calls in the chart's Pods (admission webhooks, aggregated APIs), by the
   * port the Pod listens on (the Service's targetPort): on a private GKE cluster the control plane
   * reaches nodes only on 443 and 10250 unless a firewall rule opens more (gke-control-plane.ts).
   */
  readonly controlPlanePorts?: readonly ControlPlanePort[];
  /**
   * API groups whose objects need this chart first: it installs their CRDs, or the admission
   * webhooks that validate them (an object created before is refused, or never validated). An
   * entry `<group>/<Kind>` names one kind of the group only.
   */
  readonly apiGroups?: readonly string[];
}

export interface ControlPlanePort {
  readonly port: number;
  /** What listens there: the webhooks or APIService, and what fails without it. */
  readonly serves: string;
  /** The chart file at the pinned version that sets the port. */
  readonly source: string;
}

export const HELM_CHARTS = {
  /** Kueue: job queueing and quotas. Its chart version has no `v`. */
  kueue: {
    chart: "oci://registry.k8s.io/kueue/charts/kueue",
    version: "0.19.2",
    namespace: "kueue-system",
    source: "kubernetes-sigs/kueue tag v0.19.2, charts/kueue/Chart.yaml (version 0.19.2) and README",
    controlPlanePorts: [
      {
        port: 9443,
        serves: "admission webhooks for Kueue's objects and the Jobs it manages (most with failurePolicy Fail)",
        source: "charts/kueue/values.yaml webhookService.ports targetPort 9443; templates/webhook/manifests.yaml",
      },
      {
        port: 8082,
        serves:
          "the visibility API (APIServices v1beta1 and v1beta2.visibility.kueue.x-k8s.io); unreachable, it fails discovery and blocks namespace deletion",
        source:
          "charts/kueue/templates/visibility/service.yaml targetPort 8082; templates/visibility/apiservice_v1beta2.yaml",
      },
    ],
    // Its own objects, and the jobs of its integrations that its mutating webhooks suspend until
    // admitted (charts/kueue/values.yaml integrations.frameworks: jobset.x-k8s.io/jobset,
    // trainer.kubeflow.org/trainjob; templates/webhook/manifests.yaml): a job created before runs unqueued.
    apiGroups: ["kueue.x-k8s.io", "trainer.kubeflow.org/TrainJob", "jobset.x-k8s.io/JobSet"],
  },
  /** Kubeflow Trainer v2 (TrainJob, training runtimes), with JobSet. Version without `v`. */
  kubeflowTrainer: {
    chart: "oci://ghcr.io/kubeflow/charts/kubeflow-trainer",
    version: "2.3.0",
    namespace: "kubeflow-system",
    source: "kubeflow/trainer tag v2.3.0, charts/kubeflow-trainer/Chart.yaml and docs/operator-guides/installation.md",
    controlPlanePorts: [
      {
        port: 9443,
        serves: "Trainer's admission webhooks (TrainJob, training runtimes)",
        source:
          "charts/kubeflow-trainer/templates/manager/service.yaml webhook-server targetPort webhook; manager/deployment.yaml containerPort 9443",
      },
      {
        port: 9443,
        serves: "JobSet's admission webhooks (the bundled jobset chart 0.12.0)",
        source:
          "kubernetes-sigs/jobset tag v0.12.0 charts/jobset/templates/webhook/service.yaml targetPort webhook; controller/deployment.yaml containerPort 9443",
      },
    ],
    apiGroups: ["trainer.kubeflow.org", "jobset.x-k8s.io"],
  },
  /** cert-manager; KServe's webhooks need it. Version with `v`. */
  certManager: {
    chart: "cert-manager",
    repo: "https://charts.jetstack.io",
    version: "v1.19.2",
    namespace: "cert-manager",
    source: "cert-manager/cert-manager tag v1.19.2, deploy/charts/cert-manager/values.yaml (crds.enabled)",
    controlPlanePorts: [
      {
        port: 10250,
        serves: "cert-manager's webhook, on the port GKE private clusters open by default",
        source: "deploy/charts/cert-manager/values.yaml webhook.securePort: 10250",
      },
    ],
    apiGroups: ["cert-manager.io", "acme.cert-manager.io"],
  },
  /** KServe CRDs, installed before kserve-resources. KServe chart versions carry a `v`. */
  kserveCrd: {
    chart: "oci://ghcr.io/kserve/charts/kserve-crd",
    version: "v0.20.0",
    namespace: "kserve",
    source: "kserve/kserve tag v0.20.0, charts/kserve-crd/Chart.yaml",
    apiGroups: ["serving.kserve.io"],
  },
  kserveResources: {
    chart: "oci://ghcr.io/kserve/charts/kserve-resources",
    version: "v0.20.0",
    namespace: "kserve",
    source: "kserve/kserve tag v0.20.0, charts/kserve-resources (kserve.controller.deploymentMode: Standard | Knative)",
    controlPlanePorts: [
      {
        port: 9443,
        serves:
          "KServe's admission webhooks for InferenceServices, serving runtimes and model Pods (failurePolicy Fail)",
        source:
          "charts/kserve-resources/files/kserve/resources.yaml kserve-webhook-server-service targetPort webhook-server, containerPort 9443",
      },
    ],
    apiGroups: ["serving.kserve.io"],
  },
  /** ClusterServingRuntimes (Hugging Face/vLLM, Triton, ...), when kserve.servingruntime.enabled. */
  kserveRuntimeConfigs: {
    chart: "oci://ghcr.io/kserve/charts/kserve-runtime-configs",
    version: "v0.20.0",
    namespace: "kserve",
    source:
      "kserve/kserve tag v0.20.0, charts/kserve-runtime-configs (kserve.servingruntime.enabled defaults to false)",
  },
  /** Prometheus, Alertmanager, Grafana, kube-state-metrics and node-exporter (self-hosted monitoring). */
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    repo: "https://prometheus-community.github.io/helm-charts",
    version: "88.5.3",
    namespace: "monitoring",
    source:
      "prometheus-community/helm-charts tag kube-prometheus-stack-88.5.3, charts/kube-prometheus-stack (appVersion v0.93.1)",
    controlPlanePorts: [
      {
        port: 10250,
        serves: "the Prometheus operator's admission webhook, on the port GKE private clusters open by default",
        source: "charts/kube-prometheus-stack/values.yaml prometheusOperator.tls.internalPort: 10250",
      },
    ],
    apiGroups: ["monitoring.coreos.com"],
  },
  /**
   * kube-state-metrics (node labels and Jobs) on Managed Prometheus, where GKE's own kube state
   * metrics packages publish neither. The same chart version kube-prometheus-stack 88.5.3 depends on.
   */
  kubeStateMetrics: {
    chart: "kube-state-metrics",
    repo: "https://prometheus-community.github.io/helm-charts",
    version: "8.4.0",
    namespace: "monitoring",
    source:
      "prometheus-community/helm-charts tag kube-state-metrics-8.4.0, charts/kube-state-metrics (appVersion 2.20.0); kube-prometheus-stack-88.5.3 Chart.yaml dependencies",
  },
  /** NVIDIA DCGM exporter: GPU metrics on self-hosted monitoring (GKE's managed DCGM replaces it on Managed Prometheus). */
  dcgmExporter: {
    chart: "dcgm-exporter",
    repo: "https://nvidia.github.io/dcgm-exporter/helm-charts",
    version: "4.8.1",
    namespace: "monitoring",
    source:
      "NVIDIA/dcgm-exporter tag 4.5.2-4.8.1, deployment/Chart.yaml (version 4.8.1); gh-pages helm-charts/index.yaml",
  },
  /**
   * KEDA: KServe's Standard mode scales model servers on vLLM's request queue through it (KServe
   * v0.20.0 creates a ScaledObject for `serving.kserve.io/autoscalerClass: keda`).
   */
  keda: {
    chart: "keda",
    repo: "https://kedacore.github.io/charts",
    version: "2.20.2",
    namespace: "keda",
    source:
      "kedacore/charts tag v2.20.2, keda/Chart.yaml (version and appVersion 2.20.2; containers run as non-root, no capabilities, RuntimeDefault seccomp)",
    controlPlanePorts: [
      {
        port: 9443,
        serves: "KEDA's admission webhooks (ScaledObject validation)",
        source: "keda/templates/webhooks/service.yaml targetPort webhooks.port | default 9443",
      },
      {
        port: 6443,
        serves:
          "the external metrics API (APIService v1beta1.external.metrics.k8s.io) the HPA of every ScaledObject reads; unreachable, scaling never reacts and namespace deletion blocks",
        source: "keda/values.yaml service.portHttpsTarget: 6443; templates/metrics-server/apiservice.yaml",
      },
    ],
    apiGroups: ["keda.sh"],
  },
  /** Knative operator, for KServe's Knative mode (scale to zero). Its index lists the version with `v`. */
  knativeOperator: {
    chart: "knative-operator",
    repo: "https://knative.github.io/operator",
    version: "v1.21.1",
    namespace: "knative-operator",
    source: "knative/operator tag knative-v1.21.1; gh-pages index.yaml lists version v1.21.1 (appVersion 1.21.1)",
    controlPlanePorts: [
      {
        port: 8443,
        serves: "the operator's webhook",
        source:
          "knative/operator tag knative-v1.21.1 config/charts/knative-operator/templates/operator.yaml operator-webhook targetPort 8443",
      },
      {
        port: 8443,
        serves: "Knative Serving's webhook, installed by the operator (KnativeServing)",
        source: "knative/serving config/core/deployments/webhook-service.yaml targetPort 8443",
      },
    ],
    apiGroups: ["operator.knative.dev"],
  },
  /** MLflow tracking server and model registry (community-charts). */
  mlflow: {
    chart: "mlflow",
    repo: "https://community-charts.github.io/helm-charts",
    version: "1.11.5",
    namespace: "model-registry",
    source:
      "community-charts/helm-charts tag mlflow-1.11.5, charts/mlflow (appVersion 3.15.1); 1.11.5 is the newest release in the chart index",
  },
  /**
   * OpenTelemetry Operator: OpenTelemetryCollector and Instrumentation (Python auto-instrumentation
   * injected by its Pod webhook). Its webhooks' certificates come from cert-manager
   * (admissionWebhooks.certManager.enabled, the chart's default), which the platform installs with KServe.
   */
  openTelemetryOperator: {
    chart: "opentelemetry-operator",
    repo: "https://open-telemetry.github.io/opentelemetry-helm-charts",
    version: "0.122.0",
    namespace: "opentelemetry-operator-system",
    source:
      "open-telemetry/opentelemetry-helm-charts tag opentelemetry-operator-0.122.0, charts/opentelemetry-operator/Chart.yaml (appVersion 0.158.0) and values.yaml",
    controlPlanePorts: [
      {
        port: 9443,
        serves:
          "the operator's admission webhooks: collectors and instrumentations (failurePolicy Fail) and Pod injection (Ignore: Pods start uninstrumented)",
        source:
          "charts/opentelemetry-operator/values.yaml manager.ports.webhookPort 9443; templates/service.yaml targetPort webhook-server",
      },
    ],
    apiGroups: ["opentelemetry.io"],
  },
} as const satisfies Record<string, HelmChartRef>;

/** The legacy Kubeflow Training Operator v1 (PyTorchJob), as a kustomization. */
export const TRAINING_OPERATOR_V1 = {
  kustomization: "https://github.com/kubeflow/training-operator.git/manifests/overlays/standalone?ref=v1.9.4",
  version: "v1.9.4",
  namespace: "kubeflow",
  source: "kubeflow/trainer (was training-operator) tag v1.9.4, manifests/overlays/standalone",
} as const;

/** The Knative Serving version the KnativeServing resource asks the operator for. */
export const KNATIVE_SERVING_VERSION = "1.21.1";

export interface ImageRef {
  readonly image: string;
  readonly source: string;
}

export const IMAGES = {
  /** Kubeflow Model Registry server (REST on 8080). */
  modelRegistryServer: {
    image: "ghcr.io/kubeflow/model-registry/server:v0.2.22",
    source: "kubeflow/model-registry tag v0.2.22, manifests/kustomize/base/kustomization.yaml",
  },
  /**
   * vLLM's OpenAI-compatible server, for Cloud Run GPU inference, pulled from Docker Hub through the
   * project's Docker Hub remote repository (path `vllm/vllm-openai:<tag>` there). Its CLI serves a
   * local model directory given as `vllm serve <path>` (vllm/entrypoints/cli/serve.py, positional
   * model_tag); the probe polls its `/health` endpoint.
   */
  vllmOpenAi: {
    image: "vllm/vllm-openai:v0.11.0",
    source:
      "vllm-project/vllm release v0.11.0; Docker Hub vllm/vllm-openai:v0.11.0 (built from docker/Dockerfile, target vllm-openai)",
  },
  /**
   * Managed Prometheus's query frontend: a Prometheus query API in the cluster, authenticated to
   * Cloud Monitoring with Workload Identity (KEDA reads the model servers' queue from it).
   */
  gmpFrontend: {
    image: "gke.gcr.io/prometheus-engine/frontend:v0.15.3-gke.0",
    source:
      "GoogleCloudPlatform/prometheus-engine examples/frontend.yaml (args --web.listen-address=:9090 --query.project-id; port 9090; /-/ready)",
  },
  /**
   * The OpenTelemetry Collector's contrib distribution: the googlecloud exporter and the
   * probabilistic_sampler processor are in contrib, not in the core or k8s distributions
   * (open-telemetry/opentelemetry-collector-releases distributions/otelcol-contrib/manifest.yaml).
   * The version the operator 0.158.0 release pairs with (chart values manager.collectorImage.tag 0.158.0).
   */
  otelCollectorContrib: {
    image: "otel/opentelemetry-collector-contrib:0.158.0",
    source:
      "open-telemetry/opentelemetry-collector-releases v0.158.0, Docker Hub otel/opentelemetry-collector-contrib:0.158.0",
  },
  /** The image of Kubeflow Trainer's torch-distributed runtime. */
  torchRuntime: {
    image: "pytorch/pytorch:2.13.0-cuda13.0-cudnn9-runtime",
    source: "kubeflow/trainer tag v2.3.0, charts/kubeflow-trainer/files/runtimes/torch-distributed.yaml",
  },
} as const satisfies Record<string, ImageRef>;
