import { resourcePolicy } from "../../lib/policy";
import { at, gcpLabels } from "../../lib/resources";

export interface BucketVersioningConfig {
  /** The label that says what a bucket holds (DataBucket sets `purpose`). */
  label: string;
  /** Purposes whose buckets must keep object versions. */
  purposes: string[];
}

const BUCKET = "gcp:storage/bucket:Bucket";

/**
 * Which buckets hold data and models is read from the `purpose` label DataBucket sets
 * (components/data/data-bucket.ts: datasets-raw, datasets-curated, models, checkpoints).
 * Checkpoints are left out by default: they are rewritten every few minutes and expire after days,
 * so versions would multiply storage for little recovery value. Buckets without the label are not
 * checked. Versioning absent is off (the provider's and GCS's default).
 */
export const bucketVersioning = resourcePolicy<BucketVersioningConfig>({
  name: "cnai-bucket-versioning",
  description:
    "Buckets that hold datasets and models keep object versions, or hold objects under a retention policy: an overwritten or deleted training set or model can be restored (or cannot be lost while young), " +
    "and a model's lineage back to its data survives a mistaken upload.",
  config: {
    label: { type: "string", minLength: 1, default: "purpose" },
    purposes: { type: "array", items: { type: "string" }, default: ["datasets-raw", "datasets-curated", "models"] },
  },
  types: [BUCKET],
  validate: (args, report, config) => {
    const purpose = gcpLabels(args.type, args.props)?.[config.label];
    if (purpose === undefined || !config.purposes.includes(purpose)) return;
    // A retention policy protects the objects instead (no delete or replace while young); Cloud
    // Storage refuses it together with versioning (components/catalog/gcp-api-rules.ts).
    if (
      at(args.props, "versioning.enabled") !== true &&
      at(args.props, "retentionPolicy.retentionPeriod") === undefined
    ) {
      report(
        `A ${purpose} bucket without object versioning or a retention policy: an overwrite or delete is final. Set versioning.enabled: true (DataBucket's versioning argument), with a lifecycle rule that expires old versions, or a retention policy (DataBucket's retentionDays).`,
      );
    }
  },
});
