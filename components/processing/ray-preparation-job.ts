import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CarbonTier } from "../catalog/regions";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { kubernetesLabels, kubernetesSustainabilityLabels, type StackLabels } from "../labels";
import { LOCAL_QUEUE, PRIORITY_LABEL, QUEUE_LABEL } from "../training/kueue";
import { CURATED_MOUNT, RAW_MOUNT, type RayPodSize, rayClusterSpec } from "./ray-cluster-spec";

/** The preparation script shipped in the repository, mounted from a ConfigMap into the head Pod. */
export const PREPARE_SCRIPT = path.join(__dirname, "..", "..", "jobs", "ray", "prepare.py");
const SCRIPT_DIR = "/home/ray/jobs";

export interface RayPreparationJobArgs {
  labels: StackLabels;
  team: string;
  namespace: string;
  image: string;
  buckets: { raw: pulumi.Input<string>; curated: pulumi.Input<string> };
  /** Folders of the raw and curated buckets. */
  rawPrefix: string;
  curatedPrefix: string;
  head: RayPodSize;
  /** Fixed-size CPU workers (Kueue admits a RayJob whole: no autoscaling). */
  workers: RayPodSize & { count: number };
  /** Seconds the finished RayJob is kept before KubeRay deletes it. */
  ttlSecondsAfterFinished: number;
  activeDeadlineSeconds: number;
  /** @default "pipelines" */
  serviceAccount?: string;
  /** @default "cnai-low" */
  priorityClass?: string;
  carbonTier: CarbonTier;
}

/**
 * A one-off data preparation run as a KubeRay RayJob queued by Kueue: its own Ray cluster (head
 * and fixed CPU workers, raw read-only and curated read-write through GCS FUSE), the script from a
 * ConfigMap, submitted over the dashboard API (HTTPMode: no submitter Pod), and the cluster deleted
 * when the job ends (`shutdownAfterJobFinishes`, which Kueue requires of a RayJob without a
 * clusterSelector: kueue site/content/en/docs/tasks/run/rayjobs.md), the RayJob after its TTL.
 */
export class RayPreparationJob extends pulumi.ComponentResource {
  public readonly job: k8s.apiextensions.CustomResource;

  constructor(name: string, args: RayPreparationJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:processing:RayPreparationJob", name, {}, opts);
    const fail = argumentError("RayPreparationJob", name, this);
    if (!Number.isInteger(args.workers.count) || args.workers.count < 1)
      fail(`workers.count must be a whole number, at least 1 (got ${args.workers.count})`);
    if (args.ttlSecondsAfterFinished < 0)
      fail(`ttlSecondsAfterFinished must be at least 0 (got ${args.ttlSecondsAfterFinished})`);
    const podLabels = {
      ...kubernetesLabels(args.labels, "ray-preparation-job"),
      "cnai.dev/team": args.team,
      ...kubernetesSustainabilityLabels({ workloadType: "data", shiftable: true, carbonTier: args.carbonTier }),
    };
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-script`,
      {
        metadata: { name: `${name}-script`, namespace: args.namespace, labels: podLabels },
        data: { "prepare.py": fs.readFileSync(PREPARE_SCRIPT, "utf8") },
      },
      childOptions(this, opts),
    );
    const cluster = rayClusterSpec({
      image: args.image,
      serviceAccount: args.serviceAccount ?? "pipelines",
      buckets: args.buckets,
      head: args.head,
      cpuWorkers: { ...args.workers, min: args.workers.count, max: args.workers.count },
      idleTimeoutSeconds: 60,
      podLabels,
      autoscaling: false,
    });
    // The driver runs on the head (HTTPMode): it gets the script.
    const head = cluster.headGroupSpec.template.spec;
    head.volumes.push({ name: "script", configMap: { name: `${name}-script` } } as never);
    head.containers[0].volumeMounts.push({ name: "script", mountPath: SCRIPT_DIR, readOnly: true } as never);
    const at = (root: string, prefix: string) => `${root}/${prefix.replace(/\/+$/, "")}`;
    this.job = new k8s.apiextensions.CustomResource(
      name,
      {
        apiVersion: "ray.io/v1",
        kind: "RayJob",
        metadata: {
          name,
          namespace: args.namespace,
          labels: {
            ...podLabels,
            [QUEUE_LABEL]: LOCAL_QUEUE,
            [PRIORITY_LABEL]: args.priorityClass ?? "cnai-low",
          },
        },
        spec: {
          entrypoint: `python ${SCRIPT_DIR}/prepare.py --raw ${at(RAW_MOUNT, args.rawPrefix)} --curated ${at(CURATED_MOUNT, args.curatedPrefix)}`,
          submissionMode: "HTTPMode",
          shutdownAfterJobFinishes: true,
          ttlSecondsAfterFinished: args.ttlSecondsAfterFinished,
          activeDeadlineSeconds: args.activeDeadlineSeconds,
          rayClusterSpec: cluster,
        },
      },
      childOptions(this, opts, { dependsOn: [configMap] }),
    );
    this.registerOutputs({ name, namespace: args.namespace });
  }
}
