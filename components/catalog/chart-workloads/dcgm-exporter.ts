import { type ChartFacts, coalesce, fullname, nonEmpty } from "./types";

const SOURCE =
  "NVIDIA/dcgm-exporter tag 4.5.2-4.8.1, deployment/values.yaml and deployment/templates/daemonset.yaml (chart 4.8.1)";

/** deployment/values.yaml at 4.8.1: the values the DaemonSet's Pod reads. */
const DEFAULTS = {
  hostPID: false,
  hostNetwork: false,
  podSecurityContext: {},
  securityContext: {
    runAsNonRoot: false,
    runAsUser: 0,
    capabilities: { add: ["SYS_ADMIN"], drop: ["ALL"] },
    allowPrivilegeEscalation: false,
  },
  resources: { limits: { cpu: "200m", memory: "512Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
  nodeSelector: {},
  tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }],
  affinity: {},
  extraHostVolumes: [] as Array<{ name: string; hostPath: string }>,
  extraConfigMapVolumes: [
    {
      name: "exporter-metrics-volume",
      configMap: { name: "exporter-metrics-config-map", items: [{ key: "metrics", path: "default-counters.csv" }] },
    },
  ],
  kubeletPath: "/var/lib/kubelet/pod-resources",
  priorityClassName: undefined as string | undefined,
};

/**
 * NVIDIA's dcgm-exporter chart 4.8.1: one DaemonSet. Its Pod runs as root with SYS_ADMIN and host
 * paths (Pod Security: privileged only) and, unless `priorityClassName` is set, at
 * `system-node-critical` (templates/daemonset.yaml: `priorityClassName: {{ .Values.priorityClassName
 * | default "system-node-critical" }}`), which GKE admits only where a ResourceQuota is scoped to it.
 */
export const DCGM_EXPORTER: ChartFacts = {
  chart: "dcgm-exporter",
  version: "4.8.1",
  source: SOURCE,
  workloads(release) {
    const v = coalesce(DEFAULTS, release.values);
    return [
      {
        kind: "DaemonSet",
        name: fullname(release, "dcgm-exporter"),
        replicas: 1,
        source: SOURCE,
        template: {
          spec: {
            priorityClassName: v.priorityClassName || "system-node-critical",
            hostPID: v.hostPID || false,
            ...(v.hostNetwork ? { hostNetwork: true } : {}),
            ...(nonEmpty(v.podSecurityContext) ? { securityContext: v.podSecurityContext } : {}),
            ...(nonEmpty(v.affinity) ? { affinity: v.affinity } : {}),
            ...(nonEmpty(v.nodeSelector) ? { nodeSelector: v.nodeSelector } : {}),
            ...(v.tolerations?.length ? { tolerations: v.tolerations } : {}),
            volumes: [
              { name: "pod-gpu-resources", hostPath: { path: v.kubeletPath } },
              ...v.extraHostVolumes.map((h) => ({ name: h.name, hostPath: { path: h.hostPath } })),
              ...(v.extraConfigMapVolumes ?? []),
            ],
            containers: [
              {
                name: "exporter",
                securityContext: v.securityContext,
                ...(nonEmpty(v.resources) ? { resources: v.resources } : {}),
              },
            ],
          },
        },
      },
    ];
  },
};
