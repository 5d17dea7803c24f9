import type { KustomizationFacts } from "./types";

const SOURCE =
  "kubeflow/trainer (was training-operator) tag v1.9.4, manifests/overlays/standalone/{kustomization,namespace}.yaml and manifests/base/deployment.yaml";

/**
 * The Kubeflow Training Operator v1.9.4 standalone kustomization: the `kubeflow` namespace (created
 * without Pod Security labels, so the cluster default applies: privileged on GKE) and the
 * training-operator Deployment (no resources, no seccomp profile: baseline admits it).
 */
export const TRAINING_OPERATOR_V1_9_4: KustomizationFacts = {
  url: "github.com/kubeflow/training-operator.git/manifests/overlays/standalone",
  ref: "v1.9.4",
  source: SOURCE,
  namespaces: [{ name: "kubeflow", labels: {} }],
  workloads: () => [
    {
      kind: "Deployment",
      name: "training-operator",
      replicas: 1,
      source: SOURCE,
      template: {
        metadata: { annotations: { "sidecar.istio.io/inject": "false" } },
        spec: {
          serviceAccountName: "training-operator",
          volumes: [{ name: "cert", secret: { secretName: "training-operator-webhook-cert", defaultMode: 420 } }],
          containers: [{ name: "training-operator", securityContext: { allowPrivilegeEscalation: false } }],
        },
      },
    },
  ],
};

/**
 * The init container the Training Operator v1.9.4 adds to PyTorchJob Worker Pods when the job has a
 * Master: it waits for the master's DNS name. No securityContext: restricted refuses it. Source:
 * kubeflow/trainer tag v1.9.4, pkg/controller.v1/pytorch/initcontainer.go (initContainerTemplate,
 * setInitContainer).
 */
export const PYTORCH_WORKER_INIT_CONTAINER = {
  name: "init-pytorch",
  resources: { limits: { cpu: "100m", memory: "20Mi" }, requests: { cpu: "50m", memory: "10Mi" } },
  source: "kubeflow/trainer tag v1.9.4, pkg/controller.v1/pytorch/initcontainer.go",
} as const;
