import { stackPolicy } from "../../lib/policy";
import { at, gcpLabels, type Props } from "../../lib/resources";

export interface TransferClassificationConfig {
  /** Classifications this environment may receive from another bucket. */
  allowedClassifications: string[];
}

export const TRANSFER_JOB = "gcp:storage/transferJob:TransferJob";
const BUCKET = "gcp:storage/bucket:Bucket";
const ORDER = ["public", "internal", "confidential", "restricted"];
/** How a transfer job declares the classification of a source bucket outside the stack (stacks/layers/data-movement.ts writes it). */
export const SOURCE_CLASSIFICATION = /\[data-classification=([a-z]+)\]/;

/**
 * Bucket-to-bucket Storage Transfer jobs move data no more sensitive than the environment allows,
 * into a bucket classified at least as high. The source's classification is its bucket's
 * data-classification label when the bucket is in the stack, else the job's declaration in its
 * description (`[data-classification=<c>]`). S3 and URL-list sources are ingest from outside:
 * their data takes the raw bucket's classification.
 */
export const transferClassification = stackPolicy<TransferClassificationConfig>({
  name: "cnai-transfer-classification",
  description:
    "Storage Transfer jobs never move data classified above what the destination environment allows (public and internal below " +
    "prod by default), and never into a bucket classified lower than the data: a copy keeps the data's sensitivity, and a lower " +
    "environment has weaker access controls. Exceptions are listed in the stack's policy config with the job's URN and a reason.",
  config: {
    allowedClassifications: {
      type: "array",
      items: { type: "string", enum: ORDER },
      minItems: 1,
      default: ["public", "internal"],
      description: "Classifications this environment may receive from another bucket.",
    },
  },
  validate: (args, report, config) => {
    const buckets = new Map<string, Props>();
    for (const r of args.resources) if (r.type === BUCKET) buckets.set(String(r.props.name ?? ""), r.props);
    const classOf = (props: Props | undefined) => gcpLabels(BUCKET, props ?? {})?.["data-classification"];
    for (const r of args.resources) {
      if (r.type !== TRANSFER_JOB) continue;
      const source = at(r.props, "transferSpec.gcsDataSource") as Props | undefined;
      if (!source) continue;
      const sourceBucket = String(source.bucketName ?? "");
      const declared = SOURCE_CLASSIFICATION.exec(String(r.props.description ?? ""))?.[1];
      const classification = classOf(buckets.get(sourceBucket)) ?? declared;
      if (!classification || !ORDER.includes(classification)) {
        report(
          `Transfer from gs://${sourceBucket} does not say how the data is classified. Declare it in the job's description as [data-classification=<public|internal|confidential|restricted>] (transfers config: source classification).`,
          r.urn,
        );
        continue;
      }
      if (!config.allowedClassifications.includes(classification))
        report(
          `Transfer from gs://${sourceBucket} moves ${classification} data into an environment that allows ${config.allowedClassifications.join(", ")}. Stop the transfer, or exempt this job's URN in the stack's policy config with the named exemption and its reason.`,
          r.urn,
        );
      const sinkBucket = String(at(r.props, "transferSpec.gcsDataSink.bucketName") ?? "");
      const sinkClass = classOf(buckets.get(sinkBucket));
      if (sinkClass && ORDER.indexOf(sinkClass) < ORDER.indexOf(classification))
        report(
          `Transfer from gs://${sourceBucket} writes ${classification} data into gs://${sinkBucket}, classified ${sinkClass}. Raise the sink bucket's classification to ${classification} or more.`,
          r.urn,
        );
    }
  },
});
