import type * as pulumi from "@pulumi/pulumi";
import { type CarbonTier, carbonTier } from "../../components/catalog/regions";
import { IMAGES } from "../../components/catalog/software";
import { allocatablePerNode, gpuResourcesPerNode, type PoolTarget } from "../../components/compute/gpu-pool-rules";
import { teamNamespaceName } from "../../components/naming";
import { queryFrontendUrl } from "../../components/observability/query-frontend";
import { MONITORING_NAMESPACE, SELF_HOSTED_QUERY_URL } from "../../components/observability/self-hosted-monitoring";
import { COLLECTOR_ENDPOINTS } from "../../components/observability/tracing";
import { KServe } from "../../components/serving/kserve";
import { HUGGINGFACE_GPU_IMAGE, ModelDeployment } from "../../components/serving/model-deployment";
import { ServerlessInference } from "../../components/serving/serverless-inference";
import { TeamNamespace } from "../../components/tenancy/team-namespace";
import { KubeflowTrainer } from "../../components/training/kubeflow-trainer";
import { Kueue } from "../../components/training/kueue";
import { TrainingJob } from "../../components/training/training-job";
import { activePools, nodePoolName } from "../config/pool-generations";
import { inBatches } from "./batches";
import type { LayerContext } from "./context";
import type { Data } from "./data";
import { rayCpuFlavor } from "./data-prep";
import type { Foundation } from "./foundation";
import type { WorkloadIdentities } from "./identity";

export const WORKLOAD_APIS = ["run.googleapis.com"] as const;

/** The port vLLM listens on in Cloud Run (the container port Cloud Run sends requests to). */
const SERVERLESS_PORT = 8080;

/** Each GPU pool as workloads see it, with its size. */
export function poolTargets(ctx: LayerContext): Map<string, PoolTarget & { maxNodes: number }> {
  return new Map(
    // The generation that takes work; a standby or retiring one gets none (docs/safe-gpu-pool-change.md).
    activePools(ctx.settings.gpuPools).map((pool) => {
      const perNode = allocatablePerNode(pool);
      return [
        pool.name,
        {
          nodePool: nodePoolName(pool),
          accelerator: pool.accelerator.type,
          gpusPerNode: gpuResourcesPerNode(pool),
          cpu: perNode.cpu,
          memoryGi: perNode.memoryGi,
          maxNodes: pool.autoscaling.max,
        },
      ];
    }),
  );
}

/**
 * Teams, training and serving on the cluster: team namespaces, Kueue with a flavor per GPU pool,
 * Kubeflow Trainer, KServe, the example training job and model, and Cloud Run GPU inference.
 */
export async function buildWorkloads(
  ctx: LayerContext,
  foundation: Foundation,
  ids: WorkloadIdentities,
  data: Data,
  afterApis: pulumi.Resource[],
) {
  const { settings, labels, region } = ctx;
  const k8s = { providers: { kubernetes: foundation.provider } };
  const tier: CarbonTier = carbonTier(region);
  const pools = poolTargets(ctx);

  const teams = await inBatches(
    settings.teams,
    (team) =>
      new TeamNamespace(
        teamNamespaceName(team.name),
        {
          labels,
          team: team.name,
          podSecurity: team.podSecurity,
          quota: team.quota,
          workloadIdentities: {
            training: ids.training.email,
            serving: ids.serving.email,
            pipelines: ids.pipelines.email,
          },
        },
        k8s,
      ),
  );
  const teamOf = (name: string) => teams.find((t) => t.namespace === teamNamespaceName(name))!;

  const kueue = new Kueue(
    "kueue",
    {
      labels,
      sustainability: { workloadType: "training", shiftable: true, carbonTier: tier },
      // One flavor per pool; Kueue keeps inference pools out of the training queue and gates queued-provisioning pools.
      // A flavor keeps its pool's first name across generations: moving it is an update, not a replacement.
      flavors: activePools(ctx.settings.gpuPools).map((pool) => {
        const p = pools.get(pool.name)!;
        return {
          name: nodePoolName({ name: pool.name }),
          nodePool: p.nodePool,
          gpus: p.gpusPerNode * p.maxNodes,
          cpu: p.cpu * p.maxNodes,
          memoryGi: p.memoryGi * p.maxNodes,
          workloadType: pool.workloadType,
          queuedProvisioning: pool.capacity.type === "queued",
        };
      }),
      // CPU-only Ray Pods run on the system pool through their own flavor (stacks/layers/data-prep.ts).
      cpuFlavor: rayCpuFlavor(ctx),
      teamNamespaces: teams.map((t) => t.namespace),
      namespaceReady: Object.fromEntries(teams.map((t) => [t.namespace, t.namespaceObject])),
      pytorchJobs: true,
      controllerReplicas: settings.resilience.controllerReplicas,
    },
    k8s,
  );

  const trainer = new KubeflowTrainer(
    "trainer",
    {
      labels,
      sustainability: { workloadType: "training", shiftable: true, carbonTier: tier },
      legacyTrainingOperator: settings.training.legacyTrainingOperator,
    },
    k8s,
  );

  const trainingJobs = await inBatches(
    settings.training.jobs,
    (job) =>
      new TrainingJob(
        job.name,
        {
          labels,
          team: job.team,
          namespace: teamOf(job.team).namespace,
          kind: job.kind,
          registry: data.registry.imagesHost,
          image: `${data.registry.imagesHost}/${job.image}`,
          command: job.command,
          args: job.args,
          nodes: job.nodes,
          gpusPerNode: job.gpusPerNode,
          pool: pools.get(job.pool)!,
          priorityClass: job.priorityClass,
          datasets: { bucket: data.storage.buckets["datasets-curated"].name, path: job.datasetsPath },
          checkpoints: { bucket: data.storage.buckets.checkpoints.name, path: job.name },
          carbonTier: tier,
        },
        {
          ...k8s,
          dependsOn: [
            kueue.chart,
            kueue.localQueues[teamOf(job.team).namespace],
            ...trainer.ready,
            ...teamOf(job.team).ready,
          ],
        },
      ),
  );

  const kserve = new KServe(
    "kserve",
    { labels, mode: settings.serving.mode, controllerReplicas: settings.resilience.controllerReplicas },
    k8s,
  );
  const modelDeployments = await inBatches(
    settings.serving.models,
    (model) =>
      new ModelDeployment(
        model.name,
        {
          labels,
          team: model.team,
          namespace: teamOf(model.team).namespace,
          mode: settings.serving.mode,
          // The model server's image through the Docker Hub remote repository when the stack has one:
          // scanned by Artifact Registry, pulled with the nodes' identity, off Docker Hub's anonymous limits.
          image: data.registry.dockerHubHost ? `${data.registry.dockerHubHost}/${HUGGINGFACE_GPU_IMAGE}` : undefined,
          storageUri:
            model.storage === "gcs"
              ? data.storage.buckets.models.name.apply((bucket) => `gs://${bucket}/${model.path}`)
              : `oci://${data.registry.modelsHost}/${model.path}`,
          gpus: model.gpus,
          pool: pools.get(model.pool)!,
          minReplicas: model.minReplicas,
          maxReplicas: model.maxReplicas,
          scaleMetric: model.scaleMetric,
          scaleTarget: model.scaleTarget,
          canaryTrafficPercent: model.canaryTrafficPercent,
          // KEDA reads vLLM's queue from the stack's Prometheus: in-cluster, or Managed Prometheus's query frontend.
          metricsQueryUrl:
            settings.observability.backend === "managed"
              ? queryFrontendUrl(MONITORING_NAMESPACE)
              : SELF_HOSTED_QUERY_URL,
          args: model.args,
          carbonTier: tier,
          // The OpenTelemetry environment, for images that carry the SDK (docs/gateway-and-tracing.md).
          tracing: settings.tracing.enabled ? { endpoint: COLLECTOR_ENDPOINTS.grpc } : undefined,
        },
        { ...k8s, dependsOn: [kserve.ready, ...teamOf(model.team).ready] },
      ),
  );

  const serverlessSettings = settings.serving.serverless;
  // vLLM from Docker Hub through the remote repository (or the team's image), serving the model
  // folder of the models bucket, mounted read-only at /models and read with the serving identity.
  const registry = serverlessSettings?.image ? data.registry.imagesHost : data.registry.dockerHubHost;
  const serverless =
    serverlessSettings && registry
      ? new ServerlessInference(
          serverlessSettings.name,
          {
            project: ctx.project,
            region,
            prefix: ctx.prefix,
            labels,
            registry,
            image: `${registry}/${serverlessSettings.image ?? IMAGES.vllmOpenAi.image}`,
            serviceAccount: ids.serving.email,
            models: { bucket: data.storage.buckets.models.name },
            command: ["vllm", "serve"],
            args: [
              `/models/${serverlessSettings.model}`,
              `--served-model-name=${serverlessSettings.name}`,
              `--port=${SERVERLESS_PORT}`,
              ...serverlessSettings.args,
            ],
            port: SERVERLESS_PORT,
            minInstances: serverlessSettings.minInstances,
            maxInstances: serverlessSettings.maxInstances,
            concurrency: serverlessSettings.concurrency,
            ingress: serverlessSettings.ingress,
            invokers: serverlessSettings.invokers,
            // Off by default: the models bucket is empty on a first up (docs/operations.md, "Serving on Cloud Run: the model").
            deployHealthCheck: serverlessSettings.deployHealthCheck,
            deletionProtection: ctx.protect,
            // The first revision starts at deploy: the image's repository and the models bucket's grant
            // to the serving identity come first (cnai-apply-order).
          },
          {
            dependsOn: [
              ...afterApis,
              data.storage.buckets.models,
              ...Object.values(data.registry.repositories).filter((r): r is NonNullable<typeof r> => r !== undefined),
            ],
          },
        )
      : undefined;

  return { teams, kueue, trainer, trainingJobs, kserve, modelDeployments, serverless };
}

export type Workloads = Awaited<ReturnType<typeof buildWorkloads>>;
