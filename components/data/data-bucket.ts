import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { RETENTION_WITHOUT_VERSIONING, SOFT_DELETE_DURATION } from "../catalog/gcp-api-rules";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { checkMembers } from "../iam";
import { type DataClassification, dataLabels, missingKeyProblem, type StackLabels } from "../labels";
import { physicalName } from "../naming";

/** What a bucket holds, which decides its lifecycle and versioning defaults. */
export const BUCKET_PURPOSES = ["datasets-raw", "datasets-curated", "models", "checkpoints"] as const;
export type BucketPurpose = (typeof BUCKET_PURPOSES)[number];

/** Lifecycle of a bucket's objects. Omitted steps do not apply. */
export interface BucketLifecycle {
  /** Move objects to Nearline after this many days. */
  nearlineAfterDays?: number;
  /** Move objects to Coldline after this many days. */
  coldlineAfterDays?: number;
  /** Delete objects after this many days (stale checkpoints). */
  deleteAfterDays?: number;
  /** Noncurrent (overwritten or deleted) versions: keep at most `keep`, delete after `deleteAfterDays`. */
  noncurrentVersions?: { keep: number; deleteAfterDays: number };
}

/**
 * Per-purpose defaults: raw data goes cold, checkpoints go stale, models and curated data stay
 * recoverable. The protection per purpose: curated data and models are rewritten by pipelines and
 * the registry, so they keep old versions; raw data keeps versions too, unless a retention policy
 * protects it instead (`retentionDays`: no delete or overwrite while young, for provenance and
 * compliance; Cloud Storage refuses both on one bucket); checkpoints have neither (they expire).
 */
export const PURPOSE_DEFAULTS: Readonly<Record<BucketPurpose, { versioning: boolean; lifecycle: BucketLifecycle }>> = {
  "datasets-raw": {
    versioning: true,
    lifecycle: { nearlineAfterDays: 30, coldlineAfterDays: 90, noncurrentVersions: { keep: 3, deleteAfterDays: 30 } },
  },
  "datasets-curated": { versioning: true, lifecycle: { noncurrentVersions: { keep: 5, deleteAfterDays: 30 } } },
  models: { versioning: true, lifecycle: { noncurrentVersions: { keep: 10, deleteAfterDays: 90 } } },
  checkpoints: { versioning: false, lifecycle: { deleteAfterDays: 30 } },
};

export interface DataBucketArgs {
  project: string;
  /** The bucket's region. */
  location: string;
  prefix: string;
  labels: StackLabels;
  purpose: BucketPurpose;
  /** @default "internal" */
  classification?: DataClassification;
  /**
   * Object versioning. Cloud Storage refuses it together with a retention policy (retentionDays):
   * a bucket has one protection or the other.
   * @default true, except for checkpoints; false when retentionDays is set
   */
  versioning?: boolean;
  /** Lifecycle rules. @default per purpose (PURPOSE_DEFAULTS) */
  lifecycle?: BucketLifecycle;
  /** Days deleted objects stay restorable (0 turns soft delete off). @default 7 */
  softDeleteDays?: number;
  /** Minimum age before an object may be deleted or replaced, days. @default none */
  retentionDays?: number;
  /** Default Cloud KMS key. Required for confidential and restricted data. @default none (Google-managed) */
  kmsKeyName?: pulumi.Input<string>;
  /** Delete objects with the bucket (dev only). @default false */
  forceDestroy?: boolean;
  /** Protect the bucket from deletion by Pulumi (prod). @default false */
  protect?: boolean;
  /** Members that read objects (roles/storage.objectViewer). @default [] */
  readers?: pulumi.Input<string>[];
  /** Members that read, write and delete objects (roles/storage.objectUser). @default [] */
  writers?: pulumi.Input<string>[];
  /** Members that may only add objects (roles/storage.objectCreator). @default [] */
  creators?: pulumi.Input<string>[];
}

/**
 * A Cloud Storage bucket for ML data: uniform access, public access prevention enforced,
 * purpose-based versioning and lifecycle, soft delete, optional retention, CMEK, labels with the
 * data classification, and object-level IAM for the workloads that use it.
 */
export class DataBucket extends pulumi.ComponentResource {
  public readonly bucket: gcp.storage.Bucket;
  public readonly name: pulumi.Output<string>;
  /** `gs://<name>`. */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: DataBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:data:DataBucket", name, {}, opts);
    const spec = resolveDataBucketArgs(name, args, this);
    this.bucket = new gcp.storage.Bucket(
      name,
      {
        project: args.project,
        name: physicalName([args.project, args.prefix, args.purpose], 63),
        location: args.location,
        storageClass: "STANDARD",
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        versioning: { enabled: spec.versioning },
        softDeletePolicy: { retentionDurationSeconds: spec.softDeleteDays * 86400 },
        lifecycleRules: lifecycleRules(spec.lifecycle),
        retentionPolicy: args.retentionDays
          ? { retentionPeriod: String(args.retentionDays * 86400), isLocked: false }
          : undefined,
        encryption: args.kmsKeyName ? { defaultKmsKeyName: args.kmsKeyName } : undefined,
        forceDestroy: args.forceDestroy ?? false,
        labels: { ...dataLabels(args.labels, "data-bucket", spec.classification), purpose: args.purpose },
      },
      childOptions(this, opts, { protect: args.protect ?? false }),
    );
    const grant = (role: string, members: pulumi.Input<string>[] | undefined, short: string) =>
      (members ?? []).forEach((member, i) => {
        new gcp.storage.BucketIAMMember(
          `${name}-${short}-${i}`,
          { bucket: this.bucket.name, role, member },
          childOptions(this, opts),
        );
      });
    grant("roles/storage.objectViewer", args.readers, "reader");
    grant("roles/storage.objectUser", args.writers, "writer");
    grant("roles/storage.objectCreator", args.creators, "creator");
    this.name = this.bucket.name;
    this.url = this.bucket.url;
    this.registerOutputs({ name: this.name, url: this.url });
  }
}

export interface ResolvedDataBucket {
  classification: DataClassification;
  versioning: boolean;
  lifecycle: BucketLifecycle;
  softDeleteDays: number;
}

/** Applies defaults and checks the args; throws a ResourceError. Pure. */
export function resolveDataBucketArgs(
  name: string,
  args: DataBucketArgs,
  resource?: pulumi.Resource,
): ResolvedDataBucket {
  const fail = argumentError("DataBucket", name, resource);
  const classification = args.classification ?? "internal";
  const missingKey = missingKeyProblem(classification, args.kmsKeyName);
  if (missingKey) fail(missingKey);
  const defaults = PURPOSE_DEFAULTS[args.purpose];
  // With a retention policy, objects cannot be deleted or replaced while young: that is the bucket's protection, not versioning.
  const versioning = args.versioning ?? (args.retentionDays ? false : defaults.versioning);
  const retentionProblem = RETENTION_WITHOUT_VERSIONING.check({
    versioning,
    retentionPolicy: args.retentionDays !== undefined,
  });
  if (retentionProblem)
    fail(
      `versioning true and retentionDays ${args.retentionDays}: ${retentionProblem} (${RETENTION_WITHOUT_VERSIONING.source})`,
    );
  // Without versioning there are no old versions for the default lifecycle to expire.
  const lifecycle =
    args.lifecycle ??
    (versioning || !defaults.lifecycle.noncurrentVersions ? defaults.lifecycle : withoutNoncurrent(defaults.lifecycle));
  const days = (value: number | undefined, field: string) => {
    if (value !== undefined && (!Number.isInteger(value) || value < 1))
      fail(`${field} must be a whole number of days, at least 1 (got ${value})`);
  };
  days(lifecycle.nearlineAfterDays, "lifecycle.nearlineAfterDays");
  days(lifecycle.coldlineAfterDays, "lifecycle.coldlineAfterDays");
  days(lifecycle.deleteAfterDays, "lifecycle.deleteAfterDays");
  days(lifecycle.noncurrentVersions?.deleteAfterDays, "lifecycle.noncurrentVersions.deleteAfterDays");
  days(args.retentionDays, "retentionDays");
  if (
    lifecycle.nearlineAfterDays &&
    lifecycle.coldlineAfterDays &&
    lifecycle.coldlineAfterDays <= lifecycle.nearlineAfterDays
  ) {
    fail(
      `lifecycle.coldlineAfterDays (${lifecycle.coldlineAfterDays}) must come after nearlineAfterDays (${lifecycle.nearlineAfterDays})`,
    );
  }
  const softDeleteDays = args.softDeleteDays ?? 7;
  // Cloud Storage allows 0 (off) or 7 to 90 days of soft delete (the rule the config and cnai-gcp-api-rules apply too).
  if (SOFT_DELETE_DURATION.check({ seconds: softDeleteDays * 86400 }))
    fail(`softDeleteDays must be 0 or from 7 to 90 (got ${softDeleteDays})`);
  for (const field of ["readers", "writers", "creators"] as const)
    checkMembers(`DataBucket "${name}"`, field, args[field], resource);
  if (lifecycle.noncurrentVersions && !versioning)
    fail("lifecycle.noncurrentVersions needs versioning. Either turn versioning on, or drop the noncurrent rule");
  return { classification, versioning, lifecycle, softDeleteDays };
}

function withoutNoncurrent({ noncurrentVersions: _dropped, ...rest }: BucketLifecycle): BucketLifecycle {
  return rest;
}

/** The lifecycle as Cloud Storage rules; incomplete multipart uploads are always aborted after a day. */
export function lifecycleRules(lifecycle: BucketLifecycle): gcp.types.input.storage.BucketLifecycleRule[] {
  const rules: gcp.types.input.storage.BucketLifecycleRule[] = [];
  if (lifecycle.nearlineAfterDays) {
    rules.push({
      action: { type: "SetStorageClass", storageClass: "NEARLINE" },
      condition: { age: lifecycle.nearlineAfterDays, matchesStorageClasses: ["STANDARD"] },
    });
  }
  if (lifecycle.coldlineAfterDays) {
    rules.push({
      action: { type: "SetStorageClass", storageClass: "COLDLINE" },
      condition: { age: lifecycle.coldlineAfterDays, matchesStorageClasses: ["STANDARD", "NEARLINE"] },
    });
  }
  if (lifecycle.deleteAfterDays) {
    rules.push({ action: { type: "Delete" }, condition: { age: lifecycle.deleteAfterDays } });
  }
  if (lifecycle.noncurrentVersions) {
    rules.push({
      action: { type: "Delete" },
      condition: { numNewerVersions: lifecycle.noncurrentVersions.keep, withState: "ARCHIVED" },
    });
    rules.push({
      action: { type: "Delete" },
      condition: { daysSinceNoncurrentTime: lifecycle.noncurrentVersions.deleteAfterDays, withState: "ARCHIVED" },
    });
  }
  rules.push({ action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 1 } });
  return rules;
}
