import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import { StorageTransferJob } from "../../components/data/storage-transfer-job";
import { promotionAllowance } from "../config/transfers";
import type { LayerContext } from "./context";
import type { Data } from "./data";

export const TRANSFER_APIS = ["storagetransfer.googleapis.com"] as const;

/**
 * What the project's transfer service agent needs (Storage Transfer Service, "Configure access to
 * a source: Cloud Storage" and "... sink: Cloud Storage"; "Pub/Sub notifications"): on a source
 * bucket objectViewer and legacyBucketReader (it lists and reads the bucket), on the sink
 * objectAdmin and legacyBucketWriter, and publisher on the notification topic.
 */
export const TRANSFER_AGENT_ROLES = {
  source: ["roles/storage.objectViewer", "roles/storage.legacyBucketReader"],
  sink: ["roles/storage.objectAdmin", "roles/storage.legacyBucketWriter"],
  topic: "roles/pubsub.publisher",
} as const;

const short = (role: string) => role.split(".").pop()!.toLowerCase();

/**
 * Data movement: scheduled ingest into the raw bucket from the sources in `transfers.ingest`,
 * promotion of a higher environment's curated data into this curated bucket when its
 * classification is allowed here (checked with the config: stacks/config/transfers.ts), and read
 * grants on this stack's curated bucket to the transfer agents of the lower environments that
 * promote from it. Every run reports to the ingest topic.
 */
export function buildDataMovement(ctx: LayerContext, data: Data, afterApis: pulumi.Resource[]) {
  const { project, settings } = ctx;
  const t = settings.transfers;
  const raw = data.storage.buckets["datasets-raw"];
  const curated = data.storage.buckets["datasets-curated"];
  const consumerGrants = t.consumers.flatMap((consumer) =>
    TRANSFER_AGENT_ROLES.source.map(
      (role) =>
        new gcp.storage.BucketIAMMember(
          `promotion-${consumer.stack}-${short(role)}`,
          { bucket: curated.name, role, member: `serviceAccount:${consumer.transferAgent}` },
          { dependsOn: [curated] },
        ),
    ),
  );
  if (!t.ingest.length && !t.promotion) return { agent: undefined, jobs: [], consumerGrants };

  // The agent exists once the API is on (googleServiceAccounts.get creates it on first call).
  const agent = gcp.storage.getTransferProjectServiceAccountOutput({ project }, { dependsOn: afterApis });
  const member = agent.member;
  const grant = (name: string, bucket: typeof raw, roles: readonly string[]) =>
    roles.map(
      (role) =>
        new gcp.storage.BucketIAMMember(
          `${name}-${short(role)}`,
          { bucket: bucket.name, role, member },
          { dependsOn: [bucket] },
        ),
    );
  const topicGrant = new gcp.pubsub.TopicIAMMember(
    "transfer-agent-publisher",
    { project, topic: data.dataPlatform.topic.name, role: TRANSFER_AGENT_ROLES.topic, member },
    { dependsOn: [data.dataPlatform.topic] },
  );
  const rawGrants = t.ingest.length ? grant("transfer-agent-raw", raw, TRANSFER_AGENT_ROLES.sink) : [];
  const jobs = t.ingest.map(
    (job) =>
      new StorageTransferJob(
        `ingest-${job.name}`,
        {
          project,
          description: `cnai ${ctx.config.stack}: ingest ${job.name} into the raw datasets bucket${"gcs" in job.source ? ` [data-classification=${job.source.gcs.classification}]` : ""}`,
          source:
            "gcs" in job.source ? { gcs: { bucket: job.source.gcs.bucket, path: job.source.gcs.path } } : job.source,
          sink: { bucket: raw.name, path: job.destinationPath ?? `ingest/${job.name}/` },
          schedule: job.schedule,
          notificationTopic: data.dataPlatform.topic.id,
        },
        // The API checks the agent's access to the sink and the topic when the job is created.
        { dependsOn: [...afterApis, ...rawGrants, topicGrant] },
      ),
  );
  const p = t.promotion;
  if (p) {
    const allowance = promotionAllowance(t, p.source.classification);
    const curatedGrants = grant("transfer-agent-curated", curated, TRANSFER_AGENT_ROLES.sink);
    jobs.push(
      new StorageTransferJob(
        `promote-${p.source.stack}`,
        {
          project,
          // The classification marker is what the cnai-transfer-classification policy reads.
          description:
            `cnai ${ctx.config.stack}: promote curated data from ${p.source.stack} [data-classification=${p.source.classification}] (${allowance.by})`.slice(
              0,
              1024,
            ),
          source: { gcs: { bucket: p.source.bucket, path: p.source.path } },
          sink: { bucket: curated.name, path: p.destinationPath ?? `promoted/${p.source.stack}/` },
          schedule: p.schedule,
          notificationTopic: data.dataPlatform.topic.id,
        },
        // The source stack grants this agent read on its curated bucket (transfers.consumers there).
        { dependsOn: [...afterApis, ...curatedGrants, topicGrant] },
      ),
    );
  }
  return { agent, jobs, consumerGrants };
}
