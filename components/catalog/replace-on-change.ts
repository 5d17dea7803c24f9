import { GCP_REPLACE_ON_CHANGE } from "./replace-on-change-gcp";
import type { ProviderReplaceRules, ReplaceRule } from "./replace-on-change-types";

export type { ProviderReplaceRules, ReplaceRule, ReplaceWhen } from "./replace-on-change-types";
export { GCP_REPLACE_ON_CHANGE };

/**
 * pulumi-kubernetes replaces an object when a change touches one of its force-new properties
 * (provider/pkg/provider/diff.go, `forceNewProperties`, read at pulumi/pulumi-kubernetes@94977969
 * (after v4.32.0; the blueprint pins 4.34.2)): the object's identity for every kind, and per kind
 * the fields the API server refuses to change. The provider runs with enableConfigMapMutable and
 * enableSecretMutable off (their defaults, components/kubernetes/cluster-provider.ts sets neither),
 * so a ConfigMap's or Secret's data is replaced, never patched. Custom resources have only the
 * identity rules: a field their CRD makes immutable is refused by the API server at update
 * (`refusedUpdates`, e.g. TrainJob's `x-kubernetes-validations: self == oldSelf`).
 */
const K8S_SOURCE = "pulumi/pulumi-kubernetes@94977969 provider/pkg/provider/diff.go";
const change = (...paths: string[]): ReplaceRule[] => paths.map((path) => ({ path, when: "change" }));
const IDENTITY = change("metadata.name", "metadata.namespace");
const SELECTOR = change("spec.selector");

const K8S_KIND_RULES: Readonly<Record<string, readonly ReplaceRule[]>> = {
  "apps/v1:Deployment": SELECTOR,
  "apps/v1:DaemonSet": SELECTOR,
  "apps/v1:StatefulSet": change(
    "spec.podManagementPolicy",
    "spec.revisionHistoryLimit",
    "spec.selector",
    "spec.serviceName",
    "spec.volumeClaimTemplates",
  ),
  "batch/v1:Job": change("spec.completions", "spec.parallelism", "spec.selector", "spec.template"),
  "core/v1:ConfigMap": change("binaryData", "data"),
  "core/v1:Secret": change("type", "stringData", "data"),
  "core/v1:Service": change("spec.clusterIP"),
  "core/v1:ResourceQuota": change("spec.scopes"),
  "core/v1:PersistentVolumeClaim": change(
    "spec.accessModes",
    "spec.selector",
    "spec.storageClassName",
    "spec.volumeName",
  ),
  "rbac.authorization.k8s.io/v1:RoleBinding": change("roleRef"),
  "rbac.authorization.k8s.io/v1:ClusterRoleBinding": change("roleRef"),
  "storage.k8s.io/v1:StorageClass": change("parameters", "provisioner"),
};

/**
 * Fields of custom resources the API server refuses to change (CRD `x-kubernetes-validations`
 * rule `self == oldSelf`, in the pinned CRDs of ../shared/fixtures/crds): pulumi-kubernetes
 * patches them in place and the update fails.
 */
const TRAINJOB_CRD = "trainer.kubeflow.org_trainjobs.yaml (fixtures)";
const K8S_REFUSED: Readonly<Record<string, readonly { path: string; source: string }[]>> = {
  "trainer.kubeflow.org/v1alpha1:TrainJob": [
    { path: "spec.activeDeadlineSeconds", source: TRAINJOB_CRD },
    { path: "spec.initializer", source: TRAINJOB_CRD },
    { path: "spec.managedBy", source: TRAINJOB_CRD },
    { path: "spec.runtimeRef", source: TRAINJOB_CRD },
    { path: "spec.trainer", source: TRAINJOB_CRD },
  ],
  "kubeflow.org/v1:PyTorchJob": [
    { path: "spec.runPolicy.schedulingPolicy.queue", source: "kubeflow.org_pytorchjobs.yaml (fixtures)" },
  ],
  "kueue.x-k8s.io/v1beta2:LocalQueue": [
    { path: "spec.clusterQueue", source: "kueue.x-k8s.io_localqueues.yaml (fixtures)" },
  ],
};

/**
 * pulumi-random bridges hashicorp/terraform-provider-random, whose random_password marks every
 * argument `RequiresReplace` (internal/provider/resource_password.go, passwordSchemaV3: length,
 * special, upper, lower, numeric, min_*, override_special, keepers): any input change is a new password.
 */
const RANDOM_PASSWORD: ProviderReplaceRules = {
  terraformType: "random_password",
  source: "hashicorp/terraform-provider-random@v3 internal/provider/resource_password.go",
  rules: change(
    "length",
    "special",
    "upper",
    "lower",
    "numeric",
    "minSpecial",
    "minUpper",
    "minLower",
    "minNumeric",
    "overrideSpecial",
    "keepers",
  ),
};

/** The replace-on-change rules of a resource type, or undefined when the table has none. */
export function replaceRulesFor(type: string): ProviderReplaceRules | undefined {
  if (type.startsWith("gcp:")) return GCP_REPLACE_ON_CHANGE[type];
  if (type === "random:index/randomPassword:RandomPassword") return RANDOM_PASSWORD;
  const k8s = type.match(/^kubernetes:(.+)$/)?.[1];
  if (!k8s || /^(helm\.sh|yaml|kustomize)\//.test(k8s)) return undefined;
  return {
    source: K8S_SOURCE,
    rules: [...IDENTITY, ...(K8S_KIND_RULES[k8s] ?? [])],
    refusedUpdates: K8S_REFUSED[k8s],
  };
}
