import * as pulumi from "@pulumi/pulumi";
import type { BucketPlacement } from "../catalog/storage-locations";
import { childOptions } from "../child-options";
import { CMEK_CLASSIFICATIONS, type DataClassification, type StackLabels } from "../labels";
import { BUCKET_PURPOSES, type BucketLifecycle, type BucketPurpose, DataBucket } from "./data-bucket";

/** Who may do what in one bucket (IAM members). */
export interface BucketAccess {
  readers?: pulumi.Input<string>[];
  writers?: pulumi.Input<string>[];
  creators?: pulumi.Input<string>[];
}

export interface MlStorageArgs {
  project: string;
  location: string;
  prefix: string;
  labels: StackLabels;
  /** Classification per bucket. @default "internal" for every bucket */
  classifications?: Partial<Record<BucketPurpose, DataClassification>>;
  /** Lifecycle per bucket. @default per purpose (PURPOSE_DEFAULTS in data-bucket.ts) */
  lifecycle?: Partial<Record<BucketPurpose, BucketLifecycle>>;
  /** @default 7 */
  softDeleteDays?: number;
  /** Object versioning per bucket. @default per purpose (PURPOSE_DEFAULTS); raw data with rawRetentionDays has none */
  versioning?: Partial<Record<BucketPurpose, boolean>>;
  /** Retention of raw datasets, days (a retention policy, which excludes versioning on that bucket). @default none */
  rawRetentionDays?: number;
  /**
   * The key for buckets that need one. Every bucket uses it when `encryptAll` is set; confidential
   * and restricted buckets always do.
   * @default none
   */
  kmsKeyName?: pulumi.Input<string>;
  /**
   * Where the models bucket keeps its data, when not in `location` alone (a dual-region, with turbo
   * replication or not). Its key must then be in the matching Cloud KMS location: `modelsKmsKeyName`.
   * @default the region `location`
   */
  modelsPlacement?: BucketPlacement;
  /** The key for the models bucket, when it is elsewhere than `location`. @default `kmsKeyName` */
  modelsKmsKeyName?: pulumi.Input<string>;
  /** Encrypt every bucket with `kmsKeyName` (prod). @default false */
  encryptAll?: boolean;
  /** @default false */
  forceDestroy?: boolean;
  /** @default false */
  protect?: boolean;
  /** Access per bucket. @default none */
  access?: Partial<Record<BucketPurpose, BucketAccess>>;
}

/** The platform's buckets: raw and curated datasets, models, checkpoints. */
export class MlStorage extends pulumi.ComponentResource {
  public readonly buckets: Record<BucketPurpose, DataBucket>;

  constructor(name: string, args: MlStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:data:MlStorage", name, {}, opts);
    const entries = BUCKET_PURPOSES.map((purpose) => {
      const classification = args.classifications?.[purpose] ?? "internal";
      const encrypted = args.encryptAll || CMEK_CLASSIFICATIONS.includes(classification);
      const bucket = new DataBucket(
        `${name}-${purpose}`,
        {
          project: args.project,
          location: args.location,
          prefix: args.prefix,
          labels: args.labels,
          purpose,
          classification,
          lifecycle: args.lifecycle?.[purpose],
          versioning: args.versioning?.[purpose],
          softDeleteDays: args.softDeleteDays,
          retentionDays: purpose === "datasets-raw" ? args.rawRetentionDays : undefined,
          placement: purpose === "models" ? args.modelsPlacement : undefined,
          kmsKeyName: !encrypted
            ? undefined
            : purpose === "models" && args.modelsKmsKeyName
              ? args.modelsKmsKeyName
              : args.kmsKeyName,
          forceDestroy: args.forceDestroy,
          protect: args.protect,
          ...args.access?.[purpose],
        },
        childOptions(this, opts),
      );
      return [purpose, bucket] as const;
    });
    this.buckets = Object.fromEntries(entries) as Record<BucketPurpose, DataBucket>;
    this.registerOutputs(Object.fromEntries(entries.map(([purpose, bucket]) => [purpose, bucket.name])));
  }
}
