import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { kubernetesLabels, podSecurityLabels, type StackLabels } from "../labels";
import { teamNamespaceName } from "../naming";
import { TEAM_DEFAULTS, TEAM_NAME } from "./team-rules";

/** What a team may use at once in its namespace. */
export interface TeamQuota {
  /** GPUs requested at once (`requests.nvidia.com/gpu`). @default 8 */
  gpus?: number;
  /** CPU cores requested at once. @default 64 */
  cpu?: number;
  /** Memory requested at once, GiB. @default 256 */
  memoryGi?: number;
  /** Pods at once. @default 200 */
  pods?: number;
}

export interface TeamNamespaceArgs {
  labels: StackLabels;
  /** The team's name; its namespace is `team-<name>`. */
  team: string;
  /**
   * Pod Security Admission level enforced (`warn` and `audit` are always `restricted`). GPU images
   * (PyTorch, vLLM) often run as root, which `restricted` refuses.
   * @default "baseline"
   */
  podSecurity?: "baseline" | "restricted";
  quota?: TeamQuota;
  /** Google service accounts the team's Kubernetes service accounts act as (Workload Identity). */
  workloadIdentities: {
    training: pulumi.Input<string>;
    serving: pulumi.Input<string>;
    pipelines: pulumi.Input<string>;
  };
  /** Namespaces whose Pods may scrape metrics here. @default ["gmp-system", "monitoring"] */
  monitoringNamespaces?: string[];
  /** Namespaces whose Pods may call the team's model servers (ingress gateways). @default ["kserve", "knative-serving", "kourier-system", "istio-system"] */
  servingIngressNamespaces?: string[];
  /** Namespaces the team's Pods may call on their service ports (the model registry). @default [{ namespace: "model-registry", ports: [8080, 5000] }] */
  platformServices?: { namespace: string; ports: number[] }[];
}

/** Google Cloud load balancer and health-check ranges, which reach Pods of container-native load balancers. */
export const GOOGLE_LB_RANGES = ["35.191.0.0/16", "130.211.0.0/22"] as const;
/** The GKE metadata server (Workload Identity): its two addresses and ports. */
export const GKE_METADATA = [
  { cidr: "169.254.169.254/32", port: 80 },
  { cidr: "169.254.169.252/32", port: 988 },
] as const;
/** NodeLocal DNSCache's address on every node. */
export const NODE_LOCAL_DNS = "169.254.20.10/32";

/**
 * The team LimitRange's container item.
 * - No GPU max: the API server turns a LimitRange max without a default into the default limit and
 *   request (kubernetes pkg/apis/core/v1/defaults.go SetDefaults_LimitRangeItem), so every container
 *   that names no GPU (KServe's storage initializer, GKE's GCS FUSE sidecar, any CPU Pod) would ask
 *   for the max. The ResourceQuota's requests.nvidia.com/gpu bounds the team.
 * - No default CPU limit: LimitRanger gives a container that states only a request the default
 *   limit, and the API server refuses a Pod whose request is above its limit (kubernetes
 *   pkg/apis/core/validation/validation.go ValidateResourceRequirements: "must be less than or
 *   equal to cpu limit"), so a default limit of 1 CPU refused every container asking for more
 *   without a limit. The quota counts requests.cpu, not limits.cpu.
 * - A default memory limit of 2Gi: the quota counts limits.memory, which every container must then
 *   state; a container asking for more than 2Gi of memory must state its own limit.
 */
export const TEAM_CONTAINER_LIMITS = {
  type: "Container",
  default: { memory: "2Gi" },
  defaultRequest: { cpu: "250m", memory: "512Mi" },
} as const;

/** The label KServe puts on an InferenceService's Pods. */
export const INFERENCE_POD_LABEL = "serving.kserve.io/inferenceservice";

/**
 * A team's namespace: Pod Security Admission labels, a default-deny NetworkPolicy with the
 * allowances ML work needs (DNS, the GKE metadata server, HTTPS egress, traffic within the
 * namespace, metrics scraping, model-server ingress, the model registry), a ResourceQuota that
 * counts GPUs, a LimitRange with CPU request and memory defaults, and the `training`, `serving` and `pipelines` service accounts bound
 * to their Google service accounts.
 */
export class TeamNamespace extends pulumi.ComponentResource {
  public readonly namespace: string;
  public readonly serviceAccounts = { training: "training", serving: "serving", pipelines: "pipelines" } as const;
  /** The Namespace object: what objects placed in the namespace wait for. */
  public readonly namespaceObject: k8s.core.v1.Namespace;
  /** The Namespace and its service accounts: what a workload running as those accounts waits for. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: TeamNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:tenancy:TeamNamespace", name, {}, opts);
    const spec = resolveTeamNamespaceArgs(name, args, this);
    const namespace = teamNamespaceName(args.team);
    this.namespace = namespace;
    const labels = { ...kubernetesLabels(args.labels, "team-namespace"), "cnai.dev/team": args.team };

    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: { name: namespace, labels: { ...labels, ...podSecurityLabels(spec.podSecurity) } },
      },
      childOptions(this, opts),
    );
    this.namespaceObject = ns;
    const inNs = childOptions(this, opts, { dependsOn: [ns] });
    const meta = (objectName: string) => ({ name: objectName, namespace, labels });

    this.ready = [ns];
    for (const [kind, ksa] of Object.entries(this.serviceAccounts) as Array<
      [keyof typeof this.serviceAccounts, string]
    >) {
      this.ready.push(
        new k8s.core.v1.ServiceAccount(
          `${name}-${ksa}`,
          {
            metadata: {
              ...meta(ksa),
              annotations: { "iam.gke.io/gcp-service-account": args.workloadIdentities[kind] },
            },
            automountServiceAccountToken: false,
          },
          inNs,
        ),
      );
    }

    new k8s.core.v1.ResourceQuota(
      `${name}-quota`,
      {
        metadata: meta("team-quota"),
        spec: {
          hard: {
            "requests.cpu": String(spec.quota.cpu),
            "requests.memory": `${spec.quota.memoryGi}Gi`,
            "limits.memory": `${spec.quota.memoryGi}Gi`,
            "requests.nvidia.com/gpu": String(spec.quota.gpus),
            pods: String(spec.quota.pods),
            "services.loadbalancers": "0",
            "services.nodeports": "0",
          },
        },
      },
      inNs,
    );
    new k8s.core.v1.LimitRange(
      `${name}-limits`,
      { metadata: meta("team-limits"), spec: { limits: [TEAM_CONTAINER_LIMITS] } },
      inNs,
    );

    for (const policy of networkPolicies(spec)) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${policy.name}`,
        { metadata: meta(policy.name), spec: policy.spec },
        inNs,
      );
    }
    this.registerOutputs({ namespace });
  }
}

export interface ResolvedTeamNamespace {
  podSecurity: "baseline" | "restricted";
  quota: Required<TeamQuota>;
  monitoringNamespaces: string[];
  servingIngressNamespaces: string[];
  platformServices: { namespace: string; ports: number[] }[];
}

/** Applies defaults and checks the args; throws a ResourceError. Pure. */
export function resolveTeamNamespaceArgs(
  name: string,
  args: TeamNamespaceArgs,
  resource?: pulumi.Resource,
): ResolvedTeamNamespace {
  const fail = argumentError("TeamNamespace", name, resource);
  if (!TEAM_NAME.pattern.test(args.team)) fail(`team: got ${JSON.stringify(args.team)}; allowed: ${TEAM_NAME.allowed}`);
  const defaults = TEAM_DEFAULTS.quota;
  const quota = {
    gpus: args.quota?.gpus ?? defaults.gpus,
    cpu: args.quota?.cpu ?? defaults.cpu,
    memoryGi: args.quota?.memoryGi ?? defaults.memoryGi,
    pods: args.quota?.pods ?? defaults.pods,
  };
  for (const [key, value] of Object.entries(quota)) {
    if (!Number.isInteger(value) || value < 0) fail(`quota.${key} must be a whole number, at least 0 (got ${value})`);
  }
  return {
    podSecurity: args.podSecurity ?? TEAM_DEFAULTS.podSecurity,
    quota,
    monitoringNamespaces: args.monitoringNamespaces ?? ["gmp-system", "monitoring"],
    servingIngressNamespaces: args.servingIngressNamespaces ?? [
      "kserve",
      "knative-serving",
      "kourier-system",
      "istio-system",
    ],
    platformServices: args.platformServices ?? [{ namespace: "model-registry", ports: [8080, 5000] }],
  };
}

const namespaces = (names: readonly string[]) => ({
  namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...names] }] },
});

/** The namespace's NetworkPolicies: deny everything, then allow what ML work needs. */
export function networkPolicies(
  spec: ResolvedTeamNamespace,
): Array<{ name: string; spec: k8s.types.input.networking.v1.NetworkPolicySpec }> {
  const all = { podSelector: {} };
  return [
    { name: "default-deny", spec: { ...all, policyTypes: ["Ingress", "Egress"] } },
    {
      name: "allow-same-namespace",
      spec: {
        ...all,
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      },
    },
    {
      name: "allow-dns",
      spec: {
        ...all,
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              { ...namespaces(["kube-system"]), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } },
              { ipBlock: { cidr: NODE_LOCAL_DNS } },
            ],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      },
    },
    {
      name: "allow-gke-metadata",
      spec: {
        ...all,
        policyTypes: ["Egress"],
        egress: GKE_METADATA.map((m) => ({
          to: [{ ipBlock: { cidr: m.cidr } }],
          ports: [{ protocol: "TCP", port: m.port }],
        })),
      },
    },
    {
      // Google APIs, registries and model hubs.
      name: "allow-https-egress",
      spec: {
        ...all,
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }],
      },
    },
    {
      name: "allow-platform-services",
      spec: {
        ...all,
        policyTypes: ["Egress"],
        egress: spec.platformServices.map((s) => ({
          to: [namespaces([s.namespace])],
          ports: s.ports.map((port) => ({ protocol: "TCP", port })),
        })),
      },
    },
    {
      name: "allow-metrics-scraping",
      spec: { ...all, policyTypes: ["Ingress"], ingress: [{ from: [namespaces(spec.monitoringNamespaces)] }] },
    },
    {
      name: "allow-model-serving",
      spec: {
        podSelector: { matchExpressions: [{ key: INFERENCE_POD_LABEL, operator: "Exists" }] },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              namespaces(spec.servingIngressNamespaces),
              ...GOOGLE_LB_RANGES.map((cidr) => ({ ipBlock: { cidr } })),
            ],
          },
        ],
      },
    },
  ];
}
