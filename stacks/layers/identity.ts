import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import {
  type KubernetesServiceAccountRef,
  WORKLOAD_KINDS,
  WorkloadIdentity,
  type WorkloadKind,
} from "../../components/identity/workload-identity";
import { teamNamespaceName } from "../../components/naming";
import { MODEL_REGISTRY_KSA } from "../../components/registry/model-registry";
import type { LayerContext } from "./context";

/** The Kubernetes service account of each team workload kind, in every team namespace. */
export const TEAM_SERVICE_ACCOUNTS: Readonly<Record<Exclude<WorkloadKind, "registry">, string>> = {
  training: "training",
  serving: "serving",
  pipelines: "pipelines",
};

export const MODEL_REGISTRY_NAMESPACE = "model-registry";

/**
 * Project-level roles per workload kind: only what cannot be granted on a resource. Running
 * BigQuery queries needs `bigquery.jobUser` on the project; data access is granted per dataset.
 */
export const PROJECT_ROLES: Readonly<Record<WorkloadKind, readonly string[]>> = {
  training: ["roles/bigquery.jobUser"],
  serving: [],
  pipelines: ["roles/bigquery.jobUser"],
  registry: [],
};

export type WorkloadIdentities = Record<WorkloadKind, WorkloadIdentity>;

/**
 * One Google service account per workload kind, impersonated by its Kubernetes service accounts;
 * the Workload Identity grants come after the cluster, which creates the identity pool.
 */
export function buildIdentities(
  ctx: LayerContext,
  afterApis: pulumi.Resource[],
  cluster: pulumi.Resource,
): WorkloadIdentities {
  const { project, prefix } = ctx;
  const ksas = (kind: WorkloadKind): KubernetesServiceAccountRef[] =>
    kind === "registry"
      ? [{ namespace: MODEL_REGISTRY_NAMESPACE, name: MODEL_REGISTRY_KSA }]
      : ctx.settings.teams.map((team) => ({
          namespace: teamNamespaceName(team.name),
          name: TEAM_SERVICE_ACCOUNTS[kind],
        }));
  const identities = Object.fromEntries(
    WORKLOAD_KINDS.map((kind) => {
      const identity = new WorkloadIdentity(
        `${kind}-identity`,
        { project, prefix, kind, kubernetesServiceAccounts: ksas(kind), cluster },
        { dependsOn: afterApis },
      );
      PROJECT_ROLES[kind].forEach((role) => {
        new gcp.projects.IAMMember(
          `${kind}-${role.split("/")[1].replace(/\./g, "-")}`,
          { project, role, member: identity.member },
          { parent: identity },
        );
      });
      return [kind, identity];
    }),
  ) as WorkloadIdentities;
  return identities;
}
