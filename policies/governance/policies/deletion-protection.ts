import { resourcePolicy } from "../../lib/policy";
import { flag } from "../lib/values";

const CLUSTER = "gcp:container/cluster:Cluster";
const SQL = "gcp:sql/databaseInstance:DatabaseInstance";
const TABLE = "gcp:bigquery/table:Table";
const RUN_SERVICE = "gcp:cloudrunv2/service:Service";
const RUN_JOB = "gcp:cloudrunv2/job:Job";
const BUCKET = "gcp:storage/bucket:Bucket";
const DATASET = "gcp:bigquery/dataset:Dataset";

/**
 * Provider defaults (@pulumi/gcp 9.x): `deletionProtection` absent is true on clusters, Cloud SQL
 * instances, BigQuery tables and Cloud Run v2 services and jobs (a Pulumi-side guard: a delete or
 * replace fails until it is set false); Cloud SQL's `settings.deletionProtectionEnabled` (the
 * API-side guard, which also stops deletes from the console and gcloud) absent is false;
 * `forceDestroy` and `deleteContentsOnDestroy` absent are false. Meant for prod; other stacks
 * disable it in their policy config.
 */
export const deletionProtection = resourcePolicy<object>({
  name: "cnai-deletion-protection",
  description:
    "Production clusters, databases, tables and Cloud Run services keep deletion protection on, and buckets and datasets are not set to " +
    "delete their contents with the resource: a replace or a mistaken `pulumi destroy` must not erase data or take serving down.",
  types: [CLUSTER, SQL, TABLE, RUN_SERVICE, RUN_JOB, BUCKET, DATASET],
  validate: (args, report) => {
    const p = args.props;
    switch (args.type) {
      case BUCKET:
        if (flag(p, "forceDestroy", false))
          report(
            "forceDestroy is true: deleting the bucket deletes every object in it. Set forceDestroy: false (DataBucket's forceDestroy argument).",
          );
        return;
      case DATASET:
        if (flag(p, "deleteContentsOnDestroy", false))
          report("deleteContentsOnDestroy is true: deleting the dataset deletes its tables. Set it to false.");
        return;
      case SQL:
        if (!flag(p, "deletionProtection", true))
          report(
            "deletionProtection is false: Pulumi may delete or replace the instance and its data. Remove it or set it to true.",
          );
        if (!flag(p, "settings.deletionProtectionEnabled", false)) {
          report(
            "settings.deletionProtectionEnabled is not true: the instance can be deleted from the console or gcloud. Set it to true (PostgresDatabase's deletionProtection argument).",
          );
        }
        return;
      default:
        if (!flag(p, "deletionProtection", true))
          report("deletionProtection is false: Pulumi may delete or replace it. Remove the setting or set it to true.");
    }
  },
});
