import { carbonTier } from "../components/catalog/regions";
import { ProjectServices } from "../components/project/project-services";
import type { PlatformConfig } from "./config/load";
import { layerContext } from "./layers/context";
import { buildData, DATA_APIS } from "./layers/data";
import { buildFoundation, FOUNDATION_APIS } from "./layers/foundation";
import { buildGateway, GATEWAY_APIS } from "./layers/gateway";
import { buildIdentities } from "./layers/identity";
import { buildObservability, OBSERVABILITY_APIS } from "./layers/observability";
import { buildTracing, TRACING_APIS } from "./layers/tracing";
import { buildWorkloads, WORKLOAD_APIS } from "./layers/workloads";

/**
 * Builds the whole platform for one validated stack configuration and returns the stack outputs.
 * Creates resources only; no other side effects, so it can run many times in one process.
 */
export async function buildPlatform(config: PlatformConfig) {
  const ctx = layerContext(config);
  const apis = new ProjectServices("apis", {
    project: ctx.project,
    services: [
      ...FOUNDATION_APIS,
      ...DATA_APIS,
      ...WORKLOAD_APIS,
      ...OBSERVABILITY_APIS,
      ...GATEWAY_APIS,
      ...TRACING_APIS,
    ],
  });
  const afterApis = [apis];

  const foundation = buildFoundation(ctx, afterApis);
  const identities = buildIdentities(ctx, afterApis, foundation.cluster.cluster);
  const data = buildData(ctx, foundation, identities, afterApis);
  const workloads = await buildWorkloads(ctx, foundation, identities, data, afterApis);
  const observability = buildObservability(ctx, foundation, workloads, afterApis);
  const tracing = buildTracing(ctx, foundation, workloads, data, afterApis);
  const gateway = await buildGateway(
    ctx,
    foundation,
    workloads,
    afterApis,
    tracing ? { endpoint: tracing.endpoints.grpc, samplingRatio: tracing.samplingRatio } : undefined,
  );
  const { cluster, network, gpuPools, provider } = foundation;

  return {
    project: ctx.project,
    region: ctx.region,
    carbonTier: carbonTier(ctx.region),
    clusterName: cluster.name,
    clusterLocation: cluster.location,
    clusterEndpoint: cluster.endpoint,
    kubeconfig: cluster.kubeconfig,
    kubernetesProvider: provider.urn,
    network: network.networkId,
    nodeServiceAccount: cluster.nodeServiceAccountEmail,
    gpuPools: gpuPools.map((pool) => ({
      name: pool.poolName,
      accelerator: pool.accelerator,
      gpusPerNode: pool.spec.gpusPerNode,
      minNodes: pool.spec.min,
      maxNodes: pool.spec.max,
      capacity: pool.spec.capacity.type,
      zones: pool.spec.zones,
    })),
    workloadServiceAccounts: Object.fromEntries(Object.entries(identities).map(([kind, id]) => [kind, id.email])),
    buckets: Object.fromEntries(Object.entries(data.storage.buckets).map(([purpose, bucket]) => [purpose, bucket.url])),
    imagesRepository: data.registry.imagesHost,
    modelsRepository: data.registry.modelsHost,
    dataset: data.dataPlatform.datasetId,
    ingestTopic: data.dataPlatform.topic.id,
    qualityScan: data.dataPlatform.qualityScan.dataScanId,
    modelRegistry: {
      kind: config.settings.modelRegistry.kind,
      url: data.modelRegistry.url,
      database: data.database.connectionName,
    },
    teamNamespaces: workloads.teams.map((t) => t.namespace),
    clusterQueue: workloads.kueue.clusterQueue ?? "none (no GPU pools)",
    servingMode: workloads.kserve.mode,
    monitoringBackend: config.settings.observability.backend,
    alerts: observability.alerts.map((a) => a.name).filter((name, i, names) => names.indexOf(name) === i),
    dashboards: observability.dashboards.map((d) => d.title),
    trainingJobs: config.settings.training.jobs.map((job) => `${job.team}/${job.kind}/${job.name}`),
    modelUrls: Object.fromEntries(
      workloads.modelDeployments.map((m, i) => [config.settings.serving.models[i].name, m.url]),
    ),
    ...(workloads.serverless ? { serverlessInferenceUri: workloads.serverless.uri } : {}),
    ...(tracing ? { tracing: { collector: tracing.endpoints.grpc, samplingRatio: tracing.samplingRatio } } : {}),
    ...(gateway
      ? {
          modelGateway: {
            class: gateway.modelGateway.gatewayClass,
            // The CNAME the managed certificate's DNS authorization needs in the hostname's zone.
            ...(gateway.modelGateway.dnsAuthorizationRecord
              ? { certificateDnsRecord: gateway.modelGateway.dnsAuthorizationRecord }
              : {}),
            routes: Object.fromEntries(
              gateway.routes.map((r, i) => [
                config.settings.serving.models[i].name,
                `https://${gateway.modelGateway.hostname}${r.path}/`,
              ]),
            ),
          },
        }
      : {}),
  };
}

export type PlatformOutputs = ReturnType<typeof buildPlatform>;
