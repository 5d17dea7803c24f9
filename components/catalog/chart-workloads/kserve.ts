import type { JsonObject } from "../../json";
import { type ChartFacts, coalesce, nonEmpty } from "./types";

const RESOURCES =
  "kserve/kserve tag v0.20.0, charts/kserve-resources/values.yaml (kserve.controller) and files/kserve/deployment-patch.yaml";
const RUNTIMES =
  "kserve/kserve tag v0.20.0, charts/kserve-runtime-configs/files/runtimes/resources.yaml and values.yaml (kserve.servingruntime)";

const CONTROLLER = {
  nodeSelector: {},
  tolerations: [] as unknown[],
  affinity: {},
  securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
  containerSecurityContext: {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
  },
  resources: { limits: { cpu: "100m", memory: "300Mi" }, requests: { cpu: "100m", memory: "300Mi" } },
  rbacProxy: {
    resources: { limits: { cpu: "100m", memory: "300Mi" }, requests: { cpu: "100m", memory: "300Mi" } },
    securityContext: {
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
    },
  },
  /** The chart's default mode; the plan sets Standard or Knative. */
  deploymentMode: "Knative",
};

/** KServe v0.20.0 (chart kserve-resources): the kserve-controller-manager Deployment, with its kube-rbac-proxy. */
export const KSERVE_RESOURCES: ChartFacts = {
  chart: "kserve-resources",
  version: "v0.20.0",
  source: RESOURCES,
  workloads(release) {
    const v = coalesce(CONTROLLER, release.values.kserve?.controller);
    return [
      {
        kind: "Deployment",
        name: "kserve-controller-manager",
        replicas: 1,
        source: RESOURCES,
        template: {
          spec: {
            ...(nonEmpty(v.nodeSelector) ? { nodeSelector: v.nodeSelector } : {}),
            ...(v.tolerations.length ? { tolerations: v.tolerations } : {}),
            ...(nonEmpty(v.affinity) ? { affinity: v.affinity } : {}),
            securityContext: v.securityContext,
            containers: [
              {
                name: "kube-rbac-proxy",
                securityContext: v.rbacProxy.securityContext,
                resources: v.rbacProxy.resources,
              },
              { name: "manager", securityContext: v.containerSecurityContext, resources: v.resources },
            ],
          },
        },
      },
    ];
  },
};

/** The KServe deployment mode a kserve-resources release runs (`kserve.controller.deploymentMode`, chart default Knative). */
export function kserveDeploymentMode(values: JsonObject): string {
  return String(values?.kserve?.controller?.deploymentMode ?? CONTROLLER.deploymentMode);
}

export const KSERVE_CRD: ChartFacts = {
  chart: "kserve-crd",
  version: "v0.20.0",
  source: "kserve/kserve tag v0.20.0, charts/kserve-crd (CRDs only)",
  workloads: () => [],
};
export const KSERVE_RUNTIME_CONFIGS: ChartFacts = {
  chart: "kserve-runtime-configs",
  version: "v0.20.0",
  source: `${RUNTIMES} (ClusterServingRuntimes only)`,
  workloads: () => [],
};

/** A ClusterServingRuntime's Pod parts, as the chart renders it. */
export interface ServingRuntimeFact {
  readonly spec: JsonObject;
  readonly source: string;
}

/**
 * ClusterServingRuntimes kserve-runtime-configs v0.20.0 installs when `kserve.servingruntime.enabled`
 * (only those the blueprint serves with are written down; the others are reported as not modelled).
 */
export const KSERVE_CLUSTER_SERVING_RUNTIMES: Readonly<Record<string, ServingRuntimeFact>> = {
  "kserve-huggingfaceserver": {
    source: RUNTIMES,
    spec: {
      hostIPC: false,
      supportedModelFormats: [{ name: "huggingface", version: "1", autoSelect: true, priority: 1 }],
      containers: [
        {
          name: "kserve-container",
          resources: { limits: { cpu: "1", memory: "2Gi" }, requests: { cpu: "1", memory: "2Gi" } },
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            privileged: false,
            runAsNonRoot: true,
          },
          volumeMounts: [{ mountPath: "/dev/shm", name: "devshm" }],
        },
      ],
      volumes: [{ name: "devshm", emptyDir: { medium: "Memory" } }],
    },
  },
};
