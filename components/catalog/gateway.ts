/**
 * Facts about GKE's Gateway controller, the inference extension's endpoint picker and Cloud Armor
 * that the gateway components and the policies read. Each entry names its source.
 */

/** How the stack's models are exposed: to the VPC only, or to the internet. */
export const GATEWAY_EXPOSURES = ["internal", "external"] as const;
export type GatewayExposure = (typeof GATEWAY_EXPOSURES)[number];

export interface GatewayClassFacts {
  /** The GatewayClass GKE installs with the Gateway API enabled. */
  readonly name: string;
  /** The load balancer GKE builds for it. */
  readonly loadBalancer: string;
  /** A proxy-only subnet (purpose REGIONAL_MANAGED_PROXY) must exist in the Gateway's region and VPC. */
  readonly needsProxyOnlySubnet: boolean;
  /** GCPBackendPolicy `securityPolicy` (Cloud Armor) is honoured. */
  readonly cloudArmor: boolean;
  /** GCPBackendPolicy `iap` is honoured. */
  readonly iap: boolean;
  /** Cloud Monitoring metric prefix of the load balancer's request metrics. */
  readonly metricPrefix: string;
  /** Monitored resource type of those metrics. */
  readonly monitoredResource: string;
  readonly source: string;
}

/**
 * Regional classes only: the inference extension's InferencePool backends are supported on GKE's
 * regional classes (GKE, "About GKE Inference Gateway": gke-l7-rilb and
 * gke-l7-regional-external-managed), and both take Certificate Manager regional certificates.
 * Metric names: Cloud Monitoring, "Google Cloud metrics" (loadbalancing): the regional internal
 * Application Load Balancer reports `loadbalancing.googleapis.com/https/internal/*` on
 * `internal_http_lb_rule`; the regional external one `loadbalancing.googleapis.com/https/external/regional/*`
 * on `http_external_regional_lb_rule`.
 */
export const GATEWAY_CLASSES: Readonly<Record<GatewayExposure, GatewayClassFacts>> = {
  internal: {
    name: "gke-l7-rilb",
    loadBalancer: "regional internal Application Load Balancer",
    needsProxyOnlySubnet: true,
    // Cloud Armor backend security policies apply to external Application Load Balancers (Cloud
    // Armor, "Security policy overview": load balancer support); GKE "Configure Gateway resources
    // using Policies": securityPolicy is not supported for gke-l7-rilb.
    cloudArmor: false,
    iap: true,
    metricPrefix: "loadbalancing.googleapis.com/https/internal",
    monitoredResource: "internal_http_lb_rule",
    source:
      "GKE, GatewayClass capabilities (concepts/gatewayclass-capabilities); Cloud Monitoring metrics list (loadbalancing)",
  },
  external: {
    name: "gke-l7-regional-external-managed",
    loadBalancer: "regional external Application Load Balancer",
    needsProxyOnlySubnet: true,
    cloudArmor: true,
    iap: true,
    metricPrefix: "loadbalancing.googleapis.com/https/external/regional",
    monitoredResource: "http_external_regional_lb_rule",
    source:
      "GKE, GatewayClass capabilities (concepts/gatewayclass-capabilities); Cloud Monitoring metrics list (loadbalancing)",
  },
};

/**
 * The listener TLS option that attaches Certificate Manager certificates (comma-separated names)
 * to a Gateway of a regional class; the certificates must be regional, in the Gateway's region.
 * Source: GKE, "Gateway security" (concepts/gateway-security), Certificate Manager; Certificate
 * Manager overview: regional Application Load Balancers take individual certificates, not maps.
 */
export const CERT_MANAGER_CERTS_OPTION = "networking.gke.io/cert-manager-certs";

/**
 * The endpoint picker (EPP) of the Gateway API inference extension. v1.6.0 ships the InferencePool
 * API (`inference.networking.k8s.io/v1`) but no EPP image or chart: its README says the EPP moved to
 * llm-d/llm-d-router. v1.5.0 is the last release of the project with an EPP, and it reads the same
 * v1 InferencePool (kubernetes-sigs/gateway-api-inference-extension v1.5.0
 * config/charts/inferencepool/templates/inferencepool.yaml and epplib/templates/_deployment.yaml).
 * GKE Inference Gateway's documented install is that chart (`helm install ... oci://registry.k8s.io/
 * gateway-api-inference-extension/charts/inferencepool --set provider.name=gke`); the blueprint
 * declares the same objects itself so the plan, the CRD conformance and the policies see them.
 * GKE installs the GA Gateway API and inference extension CRDs (InferencePool v1) itself from
 * 1.34.0-gke.1626000 (llm-d docs, "Installing Gateway API CRDs"; GKE "Deploy GKE Inference
 * Gateway"); every channel's versions are 1.34 or later (gke-versions.ts), so nothing installs them.
 * InferenceObjective is not used: v1.6.0 moved it to llm-d (`llm-d.ai`), which GKE does not install,
 * and the pools here need no per-request priorities.
 */
export const ENDPOINT_PICKER = {
  image: "registry.k8s.io/gateway-api-inference-extension/epp:v1.5.0",
  /** ext_proc gRPC port the load balancer calls (values.yaml extProcPort). */
  extProcPort: 9002,
  /** gRPC health port (probes, service `inference-extension`). */
  healthPort: 9003,
  metricsPort: 9090,
  /** The chart's Pod selector label (epplib _helpers.tpl selectorLabels). */
  selectorLabel: "inferencepool",
  /** The chart's scoring: queue depth, KV-cache utilisation and prefix-cache affinity (epplib _config.yaml). */
  plugins: `apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: queue-scorer
- type: kv-cache-utilization-scorer
- type: prefix-cache-scorer
- type: metrics-data-source
  parameters:
    scheme: "http"
    path: "/metrics"
    insecureSkipVerify: true
- type: core-metrics-extractor
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: queue-scorer
    weight: 2
  - pluginRef: kv-cache-utilization-scorer
    weight: 2
  - pluginRef: prefix-cache-scorer
    weight: 3
`,
  source: "kubernetes-sigs/gateway-api-inference-extension v1.5.0 config/charts/inferencepool, config/charts/epplib",
} as const;

/**
 * The model server's port and readiness path. KServe's Hugging Face server (vLLM backend) listens
 * on 8080 and answers the Open Inference Protocol's `/v2/health/ready` only once the model is
 * loaded (kserve/kserve v0.20.0 python/kserve/kserve/protocol/rest/v2_endpoints.py;
 * config/runtimes/kserve-huggingfaceserver.yaml containerPort 8080). GKE's default health check asks
 * for `/` on the serving port, which the server answers while the model still loads.
 */
export const MODEL_SERVER = { port: 8080, readinessPath: "/v2/health/ready" } as const;

/**
 * Cloud Armor preconfigured WAF rules (ModSecurity Core Rule Set 3.3), usable in regional security
 * policies. Source: Cloud Armor, "Tune Google Cloud Armor preconfigured WAF rules" (waf-rules): the
 * CRS 3.3 rule names.
 */
export const CLOUD_ARMOR_WAF_RULES = [
  "sqli-v33-stable",
  "xss-v33-stable",
  "lfi-v33-stable",
  "rfi-v33-stable",
  "rce-v33-stable",
  "methodenforcement-v33-stable",
  "scannerdetection-v33-stable",
  "protocolattack-v33-stable",
  "sessionfixation-v33-stable",
] as const;
export type CloudArmorWafRule = (typeof CLOUD_ARMOR_WAF_RULES)[number];

/**
 * GKE GatewayClasses whose load balancer faces the internet (GKE, "GatewayClass capabilities"):
 * Cloud Armor applies to their backends, and policies require it.
 */
export const EXTERNAL_GATEWAY_CLASSES: readonly string[] = [
  "gke-l7-regional-external-managed",
  "gke-l7-global-external-managed",
  "gke-l7-gxlb",
];
