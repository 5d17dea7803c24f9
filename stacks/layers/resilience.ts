import type * as pulumi from "@pulumi/pulumi";
import { ClusterBackup } from "../../components/data/cluster-backup";
import { teamNamespaceName } from "../../components/naming";
import { MONITORING_NAMESPACE } from "../../components/observability/self-hosted-monitoring";
import type { LayerContext } from "./context";
import type { Foundation } from "./foundation";
import { MODEL_REGISTRY_NAMESPACE } from "./identity";

/** Backup for GKE's API, when the stack backs its cluster up. */
export function resilienceApis(ctx: LayerContext): string[] {
  return ctx.settings.resilience.backup.enabled ? ["gkebackup.googleapis.com"] : [];
}

/**
 * The namespaces that hold state on the cluster: the teams' (their jobs, Secrets and volumes), the
 * model registry's, and the self-hosted monitoring stack's (Prometheus's volume).
 */
export function statefulNamespaces(ctx: LayerContext): string[] {
  return [
    ...ctx.settings.teams.map((team) => teamNamespaceName(team.name)),
    MODEL_REGISTRY_NAMESPACE,
    ...(ctx.settings.observability.backend === "self-hosted" ? [MONITORING_NAMESPACE] : []),
  ];
}

/** Backup for GKE over the stateful namespaces, when `resilience.backup.enabled`. */
export function buildResilience(ctx: LayerContext, foundation: Foundation, afterApis: pulumi.Resource[]) {
  const backup = ctx.settings.resilience.backup;
  if (!backup.enabled) return { backup: undefined };
  return {
    backup: new ClusterBackup(
      "gke-backup",
      {
        project: ctx.project,
        region: ctx.region,
        prefix: ctx.prefix,
        labels: ctx.labels,
        cluster: foundation.cluster.cluster.id,
        namespaces: statefulNamespaces(ctx),
        schedule: backup.schedule,
        retainDays: backup.retainDays,
        deleteLockDays: backup.deleteLockDays,
        protect: ctx.protect,
      },
      { dependsOn: [...afterApis, foundation.cluster] },
    ),
  };
}
