import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { checkMembers, memberKey } from "../iam";
import { type DataClassification, dataLabels, governanceLabels, missingKeyProblem, type StackLabels } from "../labels";
import { physicalName } from "../naming";

export interface DataQualityArgs {
  /** Cron schedule of the data-quality scan (UTC). @default "0 4 * * *" */
  schedule?: string;
  /** Share of rows scanned, percent. @default 100 */
  samplingPercent?: number;
  /** Allowed range of the `label` column. @default [0, 1] */
  labelRange?: [number, number];
}

export interface DataPlatformArgs {
  project: string;
  region: string;
  prefix: string;
  labels: StackLabels;
  /** @default "internal" */
  classification?: DataClassification;
  /**
   * Default expiration of tables in the dataset, days (dev: ad-hoc tables are disposable). The
   * platform's own tables are pinned to never expire and their partitions expire instead.
   * @default none
   */
  tableExpirationDays?: number;
  /** Delete tables with the dataset (dev). @default false */
  deleteContentsOnDestroy?: boolean;
  /** How long the ingestion topic keeps messages, days. @default 7 */
  messageRetentionDays?: number;
  /** Deliveries before a message goes to the dead-letter topic. @default 5 */
  maxDeliveryAttempts?: number;
  /** Key for the dataset and topics. Required for confidential and restricted data. @default none */
  kmsKeyName?: pulumi.Input<string>;
  /** The project's Pub/Sub service agent (IAM member), which writes to BigQuery and dead-letters. */
  pubsubServiceAgent: pulumi.Input<string>;
  quality?: DataQualityArgs;
  /** Data owners (groups): stewardship of the dataset and the quality scan. @default [] */
  owners?: string[];
  /** Members that read the dataset (roles/bigquery.dataViewer). @default [] */
  readers?: pulumi.Input<string>[];
  /** Members that write the dataset (roles/bigquery.dataEditor). @default [] */
  writers?: pulumi.Input<string>[];
  /** Members that publish to the ingestion topic. @default [] */
  publishers?: pulumi.Input<string>[];
  /** Table deletion protection and Pulumi `protect` (prod). @default false */
  protect?: boolean;
}

/** 2100-01-01T00:00:00Z: the managed tables' expiration when the dataset has a default one. */
export const MANAGED_TABLE_EXPIRATION_MS = 4_102_444_800_000;

/** The ingestion table's columns, as a Pub/Sub BigQuery subscription with metadata writes them. */
export const EVENTS_SCHEMA = [
  { name: "subscription_name", type: "STRING", mode: "NULLABLE", description: "Pub/Sub subscription" },
  { name: "message_id", type: "STRING", mode: "NULLABLE", description: "Pub/Sub message id" },
  { name: "publish_time", type: "TIMESTAMP", mode: "NULLABLE", description: "When the message was published" },
  { name: "data", type: "JSON", mode: "NULLABLE", description: "Message payload" },
  { name: "attributes", type: "JSON", mode: "NULLABLE", description: "Message attributes" },
];

/** The feature table the quality scan watches. */
export const FEATURES_SCHEMA = [
  { name: "row_id", type: "STRING", mode: "REQUIRED", description: "Unique id of the feature row" },
  { name: "entity_id", type: "STRING", mode: "REQUIRED", description: "The entity the features describe" },
  { name: "feature_timestamp", type: "TIMESTAMP", mode: "REQUIRED", description: "When the features were observed" },
  { name: "label", type: "FLOAT64", mode: "NULLABLE", description: "Training label" },
  { name: "features", type: "JSON", mode: "NULLABLE", description: "Feature values" },
];

/**
 * The data platform: a BigQuery dataset (warehouse and features), a Pub/Sub topic for streaming
 * ingestion with a BigQuery subscription and a dead-letter topic, a Dataplex data-quality scan
 * with non-null, uniqueness, range and freshness rules on a schedule, and data owners as stewards.
 */
export class DataPlatform extends pulumi.ComponentResource {
  public readonly dataset: gcp.bigquery.Dataset;
  public readonly eventsTable: gcp.bigquery.Table;
  public readonly featuresTable: gcp.bigquery.Table;
  public readonly topic: gcp.pubsub.Topic;
  public readonly deadLetterTopic: gcp.pubsub.Topic;
  public readonly qualityScan: gcp.dataplex.Datascan;
  public readonly datasetId: string;

  constructor(name: string, args: DataPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:data:DataPlatform", name, {}, opts);
    const spec = resolveDataPlatformArgs(name, args, this);
    const protect = args.protect ?? false;
    const child = childOptions(this, opts);
    const stored = childOptions(this, opts, { protect });
    const storeLabels = dataLabels(args.labels, "data-platform", spec.classification);
    this.datasetId = physicalName([args.prefix, "ml"], 1024).replace(/-/g, "_");

    this.dataset = new gcp.bigquery.Dataset(
      `${name}-dataset`,
      {
        project: args.project,
        datasetId: this.datasetId,
        location: args.region,
        friendlyName: `ML warehouse and features (${args.prefix})`,
        description: "Ingested events and curated features for training and evaluation.",
        defaultTableExpirationMs: args.tableExpirationDays ? args.tableExpirationDays * 86_400_000 : undefined,
        deleteContentsOnDestroy: args.deleteContentsOnDestroy ?? false,
        defaultEncryptionConfiguration: args.kmsKeyName ? { kmsKeyName: args.kmsKeyName } : undefined,
        labels: storeLabels,
      },
      stored,
    );

    const expiringMs = args.tableExpirationDays ? args.tableExpirationDays * 86_400_000 : undefined;
    const table = (
      tableId: string,
      schema: object[],
      partitionField: string,
      description: string,
      clusterings?: string[],
    ) =>
      new gcp.bigquery.Table(
        `${name}-${tableId}`,
        {
          project: args.project,
          datasetId: this.dataset.datasetId,
          tableId,
          description,
          schema: JSON.stringify(schema),
          // With a dataset default expiration, a table created without its own would be deleted with
          // its data; the managed tables keep a fixed far expiration and let their partitions expire.
          expirationTime: expiringMs ? MANAGED_TABLE_EXPIRATION_MS : undefined,
          timePartitioning: { type: "DAY", field: partitionField, expirationMs: expiringMs },
          clusterings,
          deletionProtection: protect,
          labels: storeLabels,
        },
        stored,
      );
    this.eventsTable = table("events", EVENTS_SCHEMA, "publish_time", "Raw events from the ingestion topic");
    this.featuresTable = table(
      "features",
      FEATURES_SCHEMA,
      "feature_timestamp",
      "Curated features, checked by the data-quality scan",
      ["entity_id"],
    );

    const topicArgs = {
      project: args.project,
      kmsKeyName: args.kmsKeyName,
      messageStoragePolicy: { allowedPersistenceRegions: [args.region] },
      messageRetentionDuration: `${spec.messageRetentionDays * 86400}s`,
      labels: storeLabels,
    };
    this.topic = new gcp.pubsub.Topic(
      `${name}-ingest`,
      { ...topicArgs, name: physicalName([args.prefix, "ingest"], 255) },
      stored,
    );
    this.deadLetterTopic = new gcp.pubsub.Topic(
      `${name}-dead-letter`,
      { ...topicArgs, name: physicalName([args.prefix, "ingest-dead-letter"], 255) },
      stored,
    );

    const eventsTableRef = pulumi.interpolate`${args.project}.${this.dataset.datasetId}.${this.eventsTable.tableId}`;
    const writerGrant = new gcp.bigquery.IamMember(
      `${name}-pubsub-writes-events`,
      {
        project: args.project,
        datasetId: this.dataset.datasetId,
        tableId: this.eventsTable.tableId,
        role: "roles/bigquery.dataEditor",
        member: args.pubsubServiceAgent,
      },
      child,
    );
    const subscription = new gcp.pubsub.Subscription(
      `${name}-to-bigquery`,
      {
        project: args.project,
        name: physicalName([args.prefix, "ingest-to-bigquery"], 255),
        topic: this.topic.id,
        bigqueryConfig: { table: eventsTableRef, writeMetadata: true, useTableSchema: false, dropUnknownFields: false },
        deadLetterPolicy: { deadLetterTopic: this.deadLetterTopic.id, maxDeliveryAttempts: spec.maxDeliveryAttempts },
        retryPolicy: { minimumBackoff: "10s", maximumBackoff: "600s" },
        labels: governanceLabels(args.labels, "data-platform"),
      },
      childOptions(this, opts, { dependsOn: [writerGrant] }),
    );
    // Dead letters are kept for inspection and replay.
    new gcp.pubsub.Subscription(
      `${name}-dead-letter-hold`,
      {
        project: args.project,
        name: physicalName([args.prefix, "ingest-dead-letter-hold"], 255),
        topic: this.deadLetterTopic.id,
        messageRetentionDuration: "604800s",
        retainAckedMessages: true,
        expirationPolicy: { ttl: "" },
        labels: governanceLabels(args.labels, "data-platform"),
      },
      child,
    );
    new gcp.pubsub.TopicIAMMember(
      `${name}-pubsub-dead-letters`,
      {
        project: args.project,
        topic: this.deadLetterTopic.name,
        role: "roles/pubsub.publisher",
        member: args.pubsubServiceAgent,
      },
      child,
    );
    new gcp.pubsub.SubscriptionIAMMember(
      `${name}-pubsub-acks-dead-letters`,
      {
        project: args.project,
        subscription: subscription.name,
        role: "roles/pubsub.subscriber",
        member: args.pubsubServiceAgent,
      },
      child,
    );

    this.qualityScan = new gcp.dataplex.Datascan(
      `${name}-quality`,
      {
        project: args.project,
        location: args.region,
        dataScanId: physicalName([args.prefix, "features-quality"], 63),
        displayName: "Feature table quality",
        description: "Completeness, uniqueness, validity and freshness of the feature table.",
        data: {
          resource: pulumi.interpolate`//bigquery.googleapis.com/projects/${args.project}/datasets/${this.dataset.datasetId}/tables/${this.featuresTable.tableId}`,
        },
        executionSpec: { trigger: { schedule: { cron: `TZ=UTC ${spec.schedule}` } } },
        dataQualitySpec: {
          samplingPercent: spec.samplingPercent,
          rules: qualityRules(spec.labelRange),
        },
        labels: governanceLabels(args.labels, "data-platform"),
      },
      child,
    );

    const datasetGrant = (role: string, members: pulumi.Input<string>[] | undefined, short: string) =>
      (members ?? []).forEach((member, i) => {
        new gcp.bigquery.DatasetIamMember(
          `${name}-${short}-${i}`,
          { project: args.project, datasetId: this.dataset.datasetId, role, member },
          child,
        );
      });
    datasetGrant("roles/bigquery.dataViewer", args.readers, "reader");
    datasetGrant("roles/bigquery.dataEditor", args.writers, "writer");
    // Owners come from config: name their grants by member, so reordering the list replaces nothing.
    (args.owners ?? []).forEach((member) => {
      new gcp.bigquery.DatasetIamMember(
        `${name}-steward-${memberKey(member)}`,
        { project: args.project, datasetId: this.dataset.datasetId, role: "roles/bigquery.dataOwner", member },
        child,
      );
    });
    (args.owners ?? []).forEach((member) => {
      new gcp.dataplex.DatascanIamMember(
        `${name}-quality-steward-${memberKey(member)}`,
        {
          project: args.project,
          location: args.region,
          dataScanId: this.qualityScan.dataScanId,
          role: "roles/dataplex.dataScanAdmin",
          member,
        },
        child,
      );
    });
    (args.publishers ?? []).forEach((member, i) => {
      new gcp.pubsub.TopicIAMMember(
        `${name}-publisher-${i}`,
        { project: args.project, topic: this.topic.name, role: "roles/pubsub.publisher", member },
        child,
      );
    });
    this.registerOutputs({
      datasetId: this.datasetId,
      topic: this.topic.name,
      qualityScan: this.qualityScan.dataScanId,
    });
  }
}

/** The data-quality rules on the feature table: one per Dataplex dimension it checks. */
export function qualityRules(labelRange: [number, number]): gcp.types.input.dataplex.DatascanDataQualitySpecRule[] {
  return [
    { name: "row-id-present", column: "row_id", dimension: "COMPLETENESS", threshold: 1, nonNullExpectation: {} },
    // Uniqueness and SQL assertions are aggregate rules: Dataplex takes no threshold for them.
    { name: "row-id-unique", column: "row_id", dimension: "UNIQUENESS", uniquenessExpectation: {} },
    { name: "entity-id-present", column: "entity_id", dimension: "COMPLETENESS", threshold: 1, nonNullExpectation: {} },
    {
      name: "label-in-range",
      column: "label",
      dimension: "VALIDITY",
      threshold: 0.99,
      ignoreNull: true,
      rangeExpectation: { minValue: String(labelRange[0]), maxValue: String(labelRange[1]) },
    },
    {
      name: "no-future-rows",
      dimension: "VALIDITY",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${data()} is Dataplex's placeholder for the scanned table, not JavaScript's
      sqlAssertion: { sqlStatement: "SELECT row_id FROM ${data()} WHERE feature_timestamp > CURRENT_TIMESTAMP()" },
    },
  ];
}

export interface ResolvedDataPlatform {
  classification: DataClassification;
  messageRetentionDays: number;
  maxDeliveryAttempts: number;
  schedule: string;
  samplingPercent: number;
  labelRange: [number, number];
}

/** The data platform's defaults, which are also the base profile's `dataPlatform` settings. */
export const DATA_PLATFORM_DEFAULTS = {
  classification: "internal",
  messageRetentionDays: 7,
  qualitySchedule: "0 4 * * *",
} as const;

/** Applies defaults and checks the args; throws a ResourceError. Pure. */
export function resolveDataPlatformArgs(
  name: string,
  args: DataPlatformArgs,
  resource?: pulumi.Resource,
): ResolvedDataPlatform {
  const fail = argumentError("DataPlatform", name, resource);
  const spec: ResolvedDataPlatform = {
    classification: args.classification ?? DATA_PLATFORM_DEFAULTS.classification,
    messageRetentionDays: args.messageRetentionDays ?? DATA_PLATFORM_DEFAULTS.messageRetentionDays,
    maxDeliveryAttempts: args.maxDeliveryAttempts ?? 5,
    schedule: args.quality?.schedule ?? DATA_PLATFORM_DEFAULTS.qualitySchedule,
    samplingPercent: args.quality?.samplingPercent ?? 100,
    labelRange: args.quality?.labelRange ?? [0, 1],
  };
  const missingKey = missingKeyProblem(spec.classification, args.kmsKeyName);
  if (missingKey) fail(missingKey);
  if (!Number.isInteger(spec.messageRetentionDays) || spec.messageRetentionDays < 1 || spec.messageRetentionDays > 31) {
    fail(`messageRetentionDays must be a whole number from 1 to 31 (got ${spec.messageRetentionDays})`);
  }
  if (!Number.isInteger(spec.maxDeliveryAttempts) || spec.maxDeliveryAttempts < 5 || spec.maxDeliveryAttempts > 100) {
    fail(`maxDeliveryAttempts must be a whole number from 5 to 100 (got ${spec.maxDeliveryAttempts})`);
  }
  if (spec.schedule.trim().split(/\s+/).length !== 5)
    fail(`quality.schedule must be a five-field cron expression (got "${spec.schedule}")`);
  if (!(spec.samplingPercent > 0 && spec.samplingPercent <= 100))
    fail(`quality.samplingPercent must be in (0, 100] (got ${spec.samplingPercent})`);
  if (!(spec.labelRange[0] < spec.labelRange[1]))
    fail(`quality.labelRange must be [min, max] with min < max (got [${spec.labelRange.join(", ")}])`);
  if (
    args.tableExpirationDays !== undefined &&
    (!Number.isInteger(args.tableExpirationDays) || args.tableExpirationDays < 1)
  ) {
    fail(`tableExpirationDays must be a whole number, at least 1 (got ${args.tableExpirationDays})`);
  }
  const component = `DataPlatform "${name}"`;
  checkMembers(component, "owners", args.owners, resource);
  checkMembers(component, "readers", args.readers, resource);
  checkMembers(component, "writers", args.writers, resource);
  checkMembers(component, "publishers", args.publishers, resource);
  return spec;
}
