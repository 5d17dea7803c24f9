import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import {
  CLOUD_RUN_GPU_MINIMUM,
  CLOUD_RUN_GPU_REGIONS,
  CLOUD_RUN_INSTANCE_MAXIMUM,
  type CloudRunAccelerator,
} from "../catalog/cloud-run-gpu";
import { assertApiRules, CLOUD_RUN_STARTUP_PROBE } from "../catalog/gcp-api-rules";
import { carbonTier, type Region } from "../catalog/regions";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { checkMembers, memberKey } from "../iam";
import { computeLabels, type StackLabels } from "../labels";
import { physicalName } from "../naming";

export const CLOUD_RUN_INGRESS = {
  all: "INGRESS_TRAFFIC_ALL",
  internal: "INGRESS_TRAFFIC_INTERNAL_ONLY",
  "internal-and-cloud-load-balancing": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
} as const;
export type CloudRunIngress = keyof typeof CLOUD_RUN_INGRESS;

const MODELS_VOLUME = "models";
const STARTUP_PROBE_PERIOD_SECONDS = 10;

export interface ServerlessInferenceArgs {
  project: string;
  region: Region;
  prefix: string;
  labels: StackLabels;
  /** The project's image registry; the image must come from it. */
  registry: string;
  /** `<registry>/<name>:<tag>` (or a digest); never untagged or `:latest`. */
  image: string;
  /** The serving Google service account's email. */
  serviceAccount: pulumi.Input<string>;
  /** @default "nvidia-l4" */
  accelerator?: CloudRunAccelerator;
  /** vCPUs per instance (at least 4 with an L4). @default 8 */
  cpu?: number;
  /** Memory per instance, GiB (at least 16 with an L4). @default 32 */
  memoryGi?: number;
  /** Instances kept warm; 0 scales to zero. @default 0 */
  minInstances?: number;
  /** @default 3 */
  maxInstances?: number;
  /** Requests one instance serves at once. @default 4 */
  concurrency?: number;
  /** Who may reach the service at the network level. @default "internal" */
  ingress?: CloudRunIngress;
  /** Members allowed to invoke the service (roles/run.invoker). @default [] */
  invokers?: string[];
  /** Container port. @default 8080 */
  port?: number;
  /** The container's entrypoint, replacing the image's. @default the image's */
  command?: string[];
  /** @default [] */
  args?: string[];
  /**
   * The bucket holding the model weights, mounted read-only (a Cloud Storage volume, read through
   * the service's identity, which needs roles/storage.objectViewer on it) at `mountPath`, so the
   * server finds the model at start-up. @default none
   */
  models?: { bucket: pulumi.Input<string>; mountPath?: string };
  /**
   * The HTTP path the startup probe polls until the model is loaded (vLLM's OpenAI server answers
   * `/health` once the engine is up). @default "/health"
   */
  healthPath?: string;
  /**
   * How long the model may take to load before Cloud Run gives up on the instance, seconds (the
   * startup probe's failureThreshold x periodSeconds; Cloud Run allows up to 1800 with a GPU).
   * @default 1800
   */
  startupTimeoutSeconds?: number;
  /**
   * Whether a deploy waits for an instance of the new revision to pass its startup probe. Off by
   * default: the models bucket is created empty by the same `pulumi up`, and a revision whose model
   * is not there yet would never become ready, failing the create (and every later `model` change).
   * With it off, Cloud Run deploys without starting a container (RevisionTemplate.healthCheckDisabled,
   * "Disables health checking containers during deployment"); the startup probe still keeps traffic
   * away from each instance until the model is loaded, so the service answers once the model is
   * uploaded, with no new deploy. Turn it on once the model is in the bucket to make each deploy wait
   * for a ready instance (a revision that cannot start then keeps traffic on the previous one).
   * @default false
   */
  deployHealthCheck?: boolean;
  /** @default false */
  deletionProtection?: boolean;
}

/**
 * How long a deploy may pull the image before the startup window starts: a ~10 GB vLLM image through
 * the Docker Hub remote repository (a first pull fills the cache), seconds.
 */
export const IMAGE_PULL_ALLOWANCE_SECONDS = 15 * 60;

/**
 * The provider's create and update timeouts for the service: the startup window plus the image
 * pull, in whole minutes. terraform-provider-google's google_cloud_run_v2_service waits 20 minutes
 * by default (GoogleCloudPlatform/magic-modules mmv1/products/cloudrunv2/Service.yaml, timeouts:
 * insert_minutes 20, update_minutes 20), less than a GPU revision may take to start (up to 1800 s
 * of startup probe): Pulumi would fail the update while Cloud Run is still loading the model.
 */
export function deployTimeout(startupTimeoutSeconds: number): string {
  return `${Math.ceil((startupTimeoutSeconds + IMAGE_PULL_ALLOWANCE_SECONDS) / 60)}m`;
}

/**
 * Serverless GPU inference: a Cloud Run service with one NVIDIA L4 per instance, scaling from
 * zero, instance-based billing (CPU always allocated, as Cloud Run requires with GPUs), zonal
 * redundancy off (cheaper, fewer GPUs reserved), the serving service account, ingress and invoker
 * IAM from config. Regions without Cloud Run GPUs are refused.
 */
export class ServerlessInference extends pulumi.ComponentResource {
  public readonly service: gcp.cloudrunv2.Service;
  public readonly uri: pulumi.Output<string>;

  constructor(name: string, args: ServerlessInferenceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:serving:ServerlessInference", name, {}, opts);
    const spec = resolveServerlessInferenceArgs(name, args, this);
    const serviceArgs: gcp.cloudrunv2.ServiceArgs = {
      project: args.project,
      location: args.region,
      name: physicalName([args.prefix, name], 49),
      description: "GPU inference on Cloud Run",
      ingress: CLOUD_RUN_INGRESS[spec.ingress],
      invokerIamDisabled: false,
      deletionProtection: args.deletionProtection ?? false,
      labels: computeLabels(args.labels, "serverless-inference", {
        workloadType: "inference",
        shiftable: false,
        carbonTier: carbonTier(args.region),
      }),
      template: {
        serviceAccount: args.serviceAccount,
        nodeSelector: { accelerator: spec.accelerator },
        gpuZonalRedundancyDisabled: true,
        // The deploy starts no container unless asked to (deployHealthCheck): see ServerlessInferenceArgs.
        healthCheckDisabled: !spec.deployHealthCheck,
        // Cloud Storage volumes (network file systems) need the second generation execution environment,
        // which Cloud Run would otherwise pick from the features used ("Select an execution environment").
        executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
        // implicit-dirs: a model uploaded with `gcloud storage cp -r` has no folder placeholder objects,
        // and Cloud Storage FUSE shows a folder without one only with this flag (GoogleCloudPlatform/gcsfuse
        // docs/semantics.md, "Implicit directories"); flags pass to gcsfuse without dashes (Cloud Run v2
        // GCSVolumeSource.mountOptions, @pulumi/gcp 9.37.0 ServiceTemplateVolumeGcs).
        volumes: args.models
          ? [
              {
                name: MODELS_VOLUME,
                gcs: { bucket: args.models.bucket, readOnly: true, mountOptions: ["implicit-dirs"] },
              },
            ]
          : undefined,
        scaling: { minInstanceCount: spec.minInstances, maxInstanceCount: spec.maxInstances },
        maxInstanceRequestConcurrency: spec.concurrency,
        containers: [
          {
            image: args.image,
            commands: args.command,
            args: args.args ?? [],
            ports: { containerPort: spec.port },
            volumeMounts: args.models ? [{ name: MODELS_VOLUME, mountPath: spec.modelsMountPath }] : undefined,
            resources: {
              limits: { cpu: String(spec.cpu), memory: `${spec.memoryGi}Gi`, "nvidia.com/gpu": "1" },
              // Instance-based billing: Cloud Run requires it for GPUs.
              cpuIdle: false,
              startupCpuBoost: true,
            },
            // Loading a model takes minutes: poll the server's health endpoint every 10 s for up to
            // startupTimeoutSeconds (Cloud Run: at most 1800 s with a GPU).
            startupProbe: {
              httpGet: { path: spec.healthPath, port: spec.port },
              initialDelaySeconds: 0,
              periodSeconds: STARTUP_PROBE_PERIOD_SECONDS,
              timeoutSeconds: 5,
              failureThreshold: Math.ceil(spec.startupTimeoutSeconds / STARTUP_PROBE_PERIOD_SECONDS),
            },
          },
        ],
      },
    };
    // Google's API rules for the service (GPU minimums, probe limits): the same check cnai-gcp-api-rules runs.
    assertApiRules(
      "gcp:cloudrunv2/service:Service",
      serviceArgs as unknown as Record<string, unknown>,
      argumentError("ServerlessInference", name, this),
    );
    const timeout = deployTimeout(spec.startupTimeoutSeconds);
    this.service = new gcp.cloudrunv2.Service(
      name,
      serviceArgs,
      childOptions(this, opts, { customTimeouts: { create: timeout, update: timeout } }),
    );
    (args.invokers ?? []).forEach((member) => {
      new gcp.cloudrunv2.ServiceIamMember(
        `${name}-invoker-${memberKey(member)}`,
        {
          project: args.project,
          location: args.region,
          name: this.service.name,
          role: "roles/run.invoker",
          member,
        },
        childOptions(this, opts),
      );
    });
    this.uri = this.service.uri;
    this.registerOutputs({ uri: this.uri });
  }
}

/** Applies defaults and checks the args; throws a ResourceError. Pure. */
export function resolveServerlessInferenceArgs(
  name: string,
  args: ServerlessInferenceArgs,
  resource?: pulumi.Resource,
) {
  const fail = argumentError("ServerlessInference", name, resource);
  const accelerator = args.accelerator ?? "nvidia-l4";
  const regions: readonly string[] = CLOUD_RUN_GPU_REGIONS[accelerator] ?? [];
  if (!regions.includes(args.region)) {
    fail(
      `Cloud Run offers ${accelerator} GPUs in ${regions.join(", ")}, not in ${args.region}. Either deploy to one of those regions, or serve on the cluster (ModelDeployment)`,
    );
  }
  const registry = args.registry.replace(/\/+$/, "");
  if (!args.image.startsWith(`${registry}/`))
    fail(`image ${args.image} must come from the project's registry ${registry}/`);
  if (
    !/(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/.test(args.image.slice(registry.length + 1)) ||
    /:latest$/.test(args.image)
  ) {
    fail(`image ${args.image} needs a pinned tag or digest (not :latest)`);
  }
  const minimum = CLOUD_RUN_GPU_MINIMUM[accelerator];
  const cpu = args.cpu ?? 8;
  const memoryGi = args.memoryGi ?? 32;
  if (cpu < minimum.cpu || memoryGi < minimum.memoryGi)
    fail(
      `an instance with ${accelerator} needs at least ${minimum.cpu} CPU and ${minimum.memoryGi} GiB (got ${cpu} CPU, ${memoryGi} GiB)`,
    );
  if (
    !Number.isInteger(cpu) ||
    cpu > CLOUD_RUN_INSTANCE_MAXIMUM.cpu ||
    !Number.isInteger(memoryGi) ||
    memoryGi > CLOUD_RUN_INSTANCE_MAXIMUM.memoryGi
  ) {
    fail(
      `a Cloud Run instance has whole CPUs up to ${CLOUD_RUN_INSTANCE_MAXIMUM.cpu} and whole GiB up to ${CLOUD_RUN_INSTANCE_MAXIMUM.memoryGi} (got ${cpu} CPU, ${memoryGi} GiB)`,
    );
  }
  const minInstances = args.minInstances ?? 0;
  const maxInstances = args.maxInstances ?? 3;
  if (!Number.isInteger(minInstances) || minInstances < 0)
    fail(`minInstances must be a whole number, at least 0 (got ${minInstances})`);
  if (!Number.isInteger(maxInstances) || maxInstances < Math.max(1, minInstances))
    fail(`maxInstances must be at least minInstances and 1 (got ${maxInstances})`);
  const concurrency = args.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000)
    fail(`concurrency must be from 1 to 1000 (got ${concurrency})`);
  const ingress = args.ingress ?? "internal";
  if (!(ingress in CLOUD_RUN_INGRESS))
    fail(`ingress ${ingress} is not one of ${Object.keys(CLOUD_RUN_INGRESS).join(", ")}`);
  checkMembers(`ServerlessInference "${name}"`, "invokers", args.invokers, resource);
  const port = args.port ?? 8080;
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`port must be from 1 to 65535 (got ${port})`);
  const healthPath = args.healthPath ?? "/health";
  if (!healthPath.startsWith("/")) fail(`healthPath must be an absolute path (got ${healthPath})`);
  const startupTimeoutSeconds = args.startupTimeoutSeconds ?? CLOUD_RUN_STARTUP_PROBE.maxWindowSecondsWithGpu;
  if (
    !Number.isInteger(startupTimeoutSeconds) ||
    startupTimeoutSeconds < 10 ||
    startupTimeoutSeconds > CLOUD_RUN_STARTUP_PROBE.maxWindowSecondsWithGpu
  ) {
    fail(
      `startupTimeoutSeconds must be a whole number from 10 to ${CLOUD_RUN_STARTUP_PROBE.maxWindowSecondsWithGpu}, Cloud Run's limit with a GPU (got ${startupTimeoutSeconds})`,
    );
  }
  const modelsMountPath = args.models?.mountPath ?? "/models";
  if (!/^\/[A-Za-z0-9._/-]+$/.test(modelsMountPath) || modelsMountPath === "/")
    fail(`models.mountPath must be an absolute directory other than / (got ${modelsMountPath})`);
  return {
    accelerator,
    cpu,
    memoryGi,
    minInstances,
    maxInstances,
    concurrency,
    ingress,
    port,
    healthPath,
    startupTimeoutSeconds,
    modelsMountPath,
    deployHealthCheck: args.deployHealthCheck ?? false,
  };
}
