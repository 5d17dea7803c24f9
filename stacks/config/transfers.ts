import { z } from "zod";
import type { PoolProblem } from "../../components/compute/gpu-pool-rules";
import { DATA_CLASSIFICATIONS, type DataClassification } from "../../components/labels";

/**
 * Governed data movement with Storage Transfer Service: scheduled ingest from external sources
 * into the raw bucket, promotion of curated data from a higher environment into this one, and the
 * grants this stack makes to lower environments' transfer agents on its curated bucket.
 */

/** GCS bucket names (Cloud Storage "Bucket naming": 3-63 characters, lower-case, digits, '-', '_', '.'). */
const bucketName = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, { error: "a Cloud Storage bucket name" });
const folder = z
  .string()
  .regex(/^([a-z0-9][a-z0-9._-]*\/)*$/, { error: "a folder ending in '/', e.g. partner/events/ (or empty)" });
const classification = z.enum(DATA_CLASSIFICATIONS);
/** The agent of a project's transfers (Storage Transfer Service, googleServiceAccounts.get). */
const transferAgent = z.string().regex(/^project-\d{6,20}@storage-transfer-service\.iam\.gserviceaccount\.com$/, {
  error: "a transfer service agent: project-<project number>@storage-transfer-service.iam.gserviceaccount.com",
});

const schedule = z.strictObject({
  /** First day, YYYY-MM-DD (UTC). */
  // An unquoted YAML date reaches the program as a timestamp (midnight UTC): read it back as its date.
  startDate: z.preprocess(
    (v) =>
      v instanceof Date
        ? v.toISOString().slice(0, 10)
        : typeof v === "string" && /^\d{4}-\d{2}-\d{2}T00:00:00(\.0+)?Z$/.test(v)
          ? v.slice(0, 10)
          : v,
    z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "a date YYYY-MM-DD" }),
  ),
  /** Time of day the runs start, HH:MM UTC. */
  startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "a time of day HH:MM (UTC)" }),
  /** Hours between runs (Storage Transfer Service: repeatInterval at least 1 hour). */
  everyHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30),
});

const gcsSource = z.strictObject({
  bucket: bucketName,
  path: folder.default(""),
  /** The source bucket's data classification (checked by the cnai-transfer-classification policy). */
  classification,
});
const s3Source = z.strictObject({
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "an S3 bucket name" }),
  path: folder.default(""),
  /** Storage Transfer Service assumes this role through web identity federation (no access keys stored). */
  roleArn: z.string().regex(/^arn:aws:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,64}$/, {
    error: "an IAM role ARN arn:aws:iam::<account>:role/<name>",
  }),
});
const httpSource = z.strictObject({
  /** A TSV URL list (TsvHttpData-1.0) reachable over HTTPS. */
  listUrl: z.string().regex(/^https:\/\/\S+$/, { error: "an https:// URL of a TsvHttpData-1.0 URL list" }),
});
type TransferSource =
  | { gcs: z.infer<typeof gcsSource> }
  | { s3: z.infer<typeof s3Source> }
  | { http: z.infer<typeof httpSource> };

/**
 * Exactly one source: another Cloud Storage bucket, an S3 bucket (federated with a role ARN), or a
 * URL list. One strict object with three optional keys rather than a union, so a misspelt key is
 * named with the keys allowed there.
 */
const transferSource = z
  .strictObject({ gcs: gcsSource.optional(), s3: s3Source.optional(), http: httpSource.optional() })
  .refine((source) => Object.values(source).filter((v) => v !== undefined).length === 1, {
    error: "exactly one source: gcs, s3 or http",
  })
  .transform((source) => source as TransferSource);

export const ingestSchema = z.strictObject({
  name: z.string().regex(/^[a-z]([-a-z0-9]{0,28}[a-z0-9])?$/, {
    error: "a transfer name: a lower-case letter, then letters, digits and '-', at most 30 characters",
  }),
  source: transferSource,
  /** Folder of the raw bucket the files land in. @default "ingest/<name>/" */
  destinationPath: folder.optional(),
  schedule,
});

export const promotionSchema = z.strictObject({
  /** The higher environment's stack (documentation and descriptions) and its curated bucket (its `buckets` output). */
  source: z.strictObject({
    stack: z.string().min(1),
    bucket: bucketName,
    /** The source bucket's data classification (its `data-classification` label). */
    classification,
    path: folder.default(""),
  }),
  /** Folder of this stack's curated bucket the data lands in. @default "promoted/<source stack>/" */
  destinationPath: folder.optional(),
  schedule,
});

export const transfersSchema = z.strictObject({
  ingest: z.array(ingestSchema).max(50),
  promotion: promotionSchema.optional(),
  /** Classifications that may be promoted into this environment without an exemption. */
  allowedClassifications: z.array(classification).min(1),
  /** Named exemptions for more sensitive classifications, each with its reason. */
  exemptions: z
    .array(
      z.strictObject({
        name: z
          .string()
          .regex(/^[a-z][-a-z0-9]{2,62}$/, { error: "an exemption name: lower-case letters, digits and '-'" }),
        classification,
        reason: z.string().min(20, { error: "a reason of at least 20 characters: why this data may move" }),
      }),
    )
    .max(20),
  /** Lower environments that promote from this stack's curated bucket: their transfer agents get read access. */
  consumers: z.array(z.strictObject({ stack: z.string().min(1), transferAgent })).max(20),
});

export type TransferSettings = z.infer<typeof transfersSchema>;
export type IngestSettings = z.infer<typeof ingestSchema>;

/** Classifications that need a named exemption to move down an environment, whatever the config allows. */
export const EXEMPTION_ONLY: readonly DataClassification[] = ["confidential", "restricted"];

/** Whether promoting data of this classification into the stack is allowed, and by what. */
export function promotionAllowance(
  t: Pick<TransferSettings, "allowedClassifications" | "exemptions">,
  c: DataClassification,
): { allowed: boolean; by?: string } {
  const exemption = t.exemptions.find((e) => e.classification === c);
  if (exemption) return { allowed: true, by: `exemption ${exemption.name}: ${exemption.reason}` };
  if (EXEMPTION_ONLY.includes(c)) return { allowed: false };
  return { allowed: t.allowedClassifications.includes(c), by: "transfers.allowedClassifications" };
}

/** Promotion of data classified above the allowance (or restricted without an exemption) is refused; names are unique. */
export function transferIssues(t: TransferSettings, curatedClassification: DataClassification): PoolProblem[] {
  const issues: PoolProblem[] = [];
  const names = new Set<string>();
  t.ingest.forEach((job, i) => {
    if (names.has(job.name))
      issues.push({
        path: ["transfers", "ingest", i, "name"],
        input: job.name,
        message: "a name no other transfer uses",
      });
    names.add(job.name);
  });
  t.allowedClassifications.forEach((c, i) => {
    if (EXEMPTION_ONLY.includes(c))
      issues.push({
        path: ["transfers", "allowedClassifications", i],
        input: c,
        message: `public or internal: ${c} data moves only with a named exemption (transfers.exemptions: name, classification, reason)`,
      });
  });
  const p = t.promotion;
  if (p && !promotionAllowance(t, p.source.classification).allowed)
    issues.push({
      path: ["transfers", "promotion", "source", "classification"],
      input: p.source.classification,
      message: `a classification this environment may receive (${t.allowedClassifications.join(", ")}), or a named exemption for ${p.source.classification} in transfers.exemptions with its reason`,
    });
  const rank = (c: DataClassification) => DATA_CLASSIFICATIONS.indexOf(c);
  if (p && rank(p.source.classification) > rank(curatedClassification))
    issues.push({
      path: ["transfers", "promotion", "source", "classification"],
      input: p.source.classification,
      message: `at most this stack's curated bucket's classification (storage.classifications.datasetsCurated: ${curatedClassification}): promoted data keeps its classification; raise the curated bucket's classification or promote less sensitive data`,
    });
  return issues;
}
