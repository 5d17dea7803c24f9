import { type ChartFacts, type ChartWorkloadFact, coalesce, nonEmpty } from "./types";

const TRAINER =
  "kubeflow/trainer tag v2.3.0, charts/kubeflow-trainer/values.yaml (manager) and templates/manager/deployment.yaml";
const JOBSET =
  "kubernetes-sigs/jobset tag v0.12.0 (the chart kubeflow-trainer 2.3.0 depends on), charts/jobset/values.yaml (controller) and templates/controller/deployment.yaml";

const MANAGER = {
  replicas: 1,
  resources: {},
  nodeSelector: {},
  tolerations: [] as unknown[],
  securityContext: {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  },
};

const JOBSET_CONTROLLER = {
  replicas: 1,
  resources: { requests: { cpu: "500m", memory: "128Mi" }, limits: { cpu: 2, memory: "4Gi" } },
  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
  podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
  hostNetwork: false,
  nodeSelector: {},
  tolerations: [] as unknown[],
};

/**
 * Kubeflow Trainer 2.3.0: the trainer controller manager and, with `jobset.install`, the JobSet
 * 0.12.0 controller; both restricted-compliant. The runtime installer Job only renders when a
 * built-in runtime is enabled (templates/runtimes/installer-job.yaml, `trainer.runtimes.enabled`).
 */
export const KUBEFLOW_TRAINER: ChartFacts = {
  chart: "kubeflow-trainer",
  version: "2.3.0",
  source: TRAINER,
  workloads(release) {
    const m = coalesce(MANAGER, release.values.manager);
    const out: ChartWorkloadFact[] = [
      {
        kind: "Deployment",
        name: "kubeflow-trainer-controller-manager",
        replicas: Number(m.replicas),
        source: TRAINER,
        template: {
          spec: {
            ...(nonEmpty(m.nodeSelector) ? { nodeSelector: m.nodeSelector } : {}),
            ...(m.tolerations.length ? { tolerations: m.tolerations } : {}),
            containers: [
              {
                name: "manager",
                securityContext: m.securityContext,
                ...(nonEmpty(m.resources) ? { resources: m.resources } : {}),
              },
            ],
          },
        },
      },
    ];
    if (release.values.jobset?.install !== false) {
      const j = coalesce(JOBSET_CONTROLLER, release.values.jobset?.controller);
      out.push({
        kind: "Deployment",
        name: "jobset-controller",
        replicas: Number(j.replicas),
        source: JOBSET,
        template: {
          spec: {
            securityContext: j.podSecurityContext,
            ...(j.hostNetwork ? { hostNetwork: true } : {}),
            ...(nonEmpty(j.nodeSelector) ? { nodeSelector: j.nodeSelector } : {}),
            ...(j.tolerations.length ? { tolerations: j.tolerations } : {}),
            containers: [{ name: "manager", securityContext: j.securityContext, resources: j.resources }],
          },
        },
      });
    }
    return out;
  },
};
