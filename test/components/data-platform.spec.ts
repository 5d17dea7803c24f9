import * as assert from "node:assert";
import {
  DataPlatform,
  type DataPlatformArgs,
  EVENTS_SCHEMA,
  FEATURES_SCHEMA,
  MANAGED_TABLE_EXPIRATION_MS,
  qualityRules,
  resolveDataPlatformArgs,
} from "../../components/data/data-platform";
import { ProgramError, type RunResult } from "../../scripts/lib/engine";
import { all, input, one, run, STACK_LABELS } from "../helpers/run";

const COMPONENT = "cnai:data:DataPlatform";
const DATASET = "gcp:bigquery/dataset:Dataset";
const TABLE = "gcp:bigquery/table:Table";
const TOPIC = "gcp:pubsub/topic:Topic";
const SUBSCRIPTION = "gcp:pubsub/subscription:Subscription";
const TABLE_IAM = "gcp:bigquery/iamMember:IamMember";
const DATASET_IAM = "gcp:bigquery/datasetIamMember:DatasetIamMember";
const TOPIC_IAM = "gcp:pubsub/topicIAMMember:TopicIAMMember";
const SUBSCRIPTION_IAM = "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember";
const SCAN = "gcp:dataplex/datascan:Datascan";
const SCAN_IAM = "gcp:dataplex/datascanIamMember:DatascanIamMember";

const PUBSUB_AGENT = "serviceAccount:service-123456789012@gcp-sa-pubsub.iam.gserviceaccount.com";
const KEY = "projects/acme-test/locations/us-central1/keyRings/cnai-test/cryptoKeys/data";
const GOVERNANCE = {
  env: "test",
  team: "ml-platform",
  "cost-center": "cc-1",
  "managed-by": "pulumi",
  component: "data-platform",
};

function args(overrides: Partial<DataPlatformArgs> = {}): DataPlatformArgs {
  return {
    project: "acme-test",
    region: "us-central1",
    prefix: "cnai-test",
    labels: STACK_LABELS,
    pubsubServiceAgent: PUBSUB_AGENT,
    ...overrides,
  };
}

function platform(overrides: Partial<DataPlatformArgs> = {}): Promise<RunResult> {
  return run(() => new DataPlatform("ml", args(overrides)));
}

/** Registrations arrive in no fixed order: compare by resource name. */
const byName = <T extends { name: string }>(resources: T[]): T[] =>
  [...resources].sort((a, b) => a.name.localeCompare(b.name));

const labelsOf = (r: { inputs: Record<string, unknown> }) => r.inputs.labels as Record<string, string>;

describe("DataPlatform", () => {
  describe("defaults", () => {
    it("creates a dataset <prefix>_ml (underscores) in the region, with a description", async () => {
      const ds = one(await platform(), DATASET, "ml-dataset");
      assert.strictEqual(input(ds, "datasetId"), "cnai_test_ml");
      assert.strictEqual(input(ds, "project"), "acme-test");
      assert.strictEqual(input(ds, "location"), "us-central1");
      assert.strictEqual(input(ds, "friendlyName"), "ML warehouse and features (cnai-test)");
    });

    it("has no default table expiration, keeps contents on destroy and uses Google-managed encryption", async () => {
      const ds = one(await platform(), DATASET);
      assert.strictEqual(input(ds, "defaultTableExpirationMs"), undefined);
      assert.strictEqual(input(ds, "deleteContentsOnDestroy"), false);
      assert.strictEqual(input(ds, "defaultEncryptionConfiguration"), undefined);
    });

    it("labels the dataset, tables and topics as internal data stores", async () => {
      const result = await platform();
      const stores = [...all(result, DATASET), ...all(result, TABLE), ...all(result, TOPIC)];
      assert.strictEqual(stores.length, 1 + 2 + 2);
      for (const store of stores) {
        assert.deepStrictEqual(labelsOf(store), { ...GOVERNANCE, "data-classification": "internal" }, store.name);
      }
    });

    it("labels subscriptions and the quality scan with the governance labels (no classification)", async () => {
      const result = await platform();
      const others = [...all(result, SUBSCRIPTION), ...all(result, SCAN)];
      assert.strictEqual(others.length, 2 + 1);
      for (const other of others) assert.deepStrictEqual(labelsOf(other), GOVERNANCE, other.name);
    });

    it("creates the events table: EVENTS_SCHEMA, partitioned by day on publish_time, not clustered", async () => {
      const events = one(await platform(), TABLE, "ml-events");
      assert.strictEqual(input(events, "tableId"), "events");
      assert.strictEqual(input(events, "datasetId"), "cnai_test_ml");
      assert.strictEqual(input(events, "project"), "acme-test");
      assert.strictEqual(input(events, "schema"), JSON.stringify(EVENTS_SCHEMA));
      assert.deepStrictEqual(
        JSON.parse(input(events, "schema") as string).map((c: { name: string }) => c.name),
        ["subscription_name", "message_id", "publish_time", "data", "attributes"],
      );
      assert.deepStrictEqual(input(events, "timePartitioning"), { type: "DAY", field: "publish_time" });
      assert.strictEqual(input(events, "clusterings"), undefined);
    });

    it("creates the features table: FEATURES_SCHEMA, partitioned by day on feature_timestamp, clustered by entity_id", async () => {
      const features = one(await platform(), TABLE, "ml-features");
      assert.strictEqual(input(features, "tableId"), "features");
      assert.strictEqual(input(features, "datasetId"), "cnai_test_ml");
      assert.strictEqual(input(features, "schema"), JSON.stringify(FEATURES_SCHEMA));
      assert.deepStrictEqual(input(features, "timePartitioning"), { type: "DAY", field: "feature_timestamp" });
      assert.deepStrictEqual(input(features, "clusterings"), ["entity_id"]);
    });

    it("leaves tables without deletion protection or expiration, and protects nothing", async () => {
      const result = await platform();
      for (const table of all(result, TABLE)) {
        assert.strictEqual(input(table, "deletionProtection"), false, table.name);
        assert.strictEqual(input(table, "expirationTime"), undefined, table.name);
        assert.strictEqual(input(table, "timePartitioning.expirationMs"), undefined, table.name);
      }
      for (const r of result.resources) assert.strictEqual(r.options.protect, false, r.name);
    });

    it("creates an ingest topic and a dead-letter topic: 7 days retention, stored in the region, no CMEK", async () => {
      const result = await platform();
      const ingest = one(result, TOPIC, "ml-ingest");
      const deadLetter = one(result, TOPIC, "ml-dead-letter");
      assert.strictEqual(input(ingest, "name"), "cnai-test-ingest");
      assert.strictEqual(input(deadLetter, "name"), "cnai-test-ingest-dead-letter");
      for (const topic of [ingest, deadLetter]) {
        assert.strictEqual(input(topic, "project"), "acme-test");
        assert.strictEqual(input(topic, "messageRetentionDuration"), "604800s", topic.name);
        assert.deepStrictEqual(
          input(topic, "messageStoragePolicy"),
          { allowedPersistenceRegions: ["us-central1"] },
          topic.name,
        );
        assert.strictEqual(input(topic, "kmsKeyName"), undefined, topic.name);
      }
    });

    it("subscribes the events table to the ingest topic through a BigQuery subscription", async () => {
      const sub = one(await platform(), SUBSCRIPTION, "ml-to-bigquery");
      assert.strictEqual(input(sub, "name"), "cnai-test-ingest-to-bigquery");
      assert.strictEqual(input(sub, "topic"), "projects/acme-test/topics/cnai-test-ingest");
      assert.deepStrictEqual(input(sub, "bigqueryConfig"), {
        table: "acme-test.cnai_test_ml.events",
        writeMetadata: true,
        useTableSchema: false,
        dropUnknownFields: false,
      });
    });

    it("dead-letters after 5 deliveries, retries with backoff, and holds dead letters for 7 days", async () => {
      const result = await platform();
      const sub = one(result, SUBSCRIPTION, "ml-to-bigquery");
      assert.deepStrictEqual(input(sub, "deadLetterPolicy"), {
        deadLetterTopic: "projects/acme-test/topics/cnai-test-ingest-dead-letter",
        maxDeliveryAttempts: 5,
      });
      assert.deepStrictEqual(input(sub, "retryPolicy"), { minimumBackoff: "10s", maximumBackoff: "600s" });
      const hold = one(result, SUBSCRIPTION, "ml-dead-letter-hold");
      assert.strictEqual(input(hold, "name"), "cnai-test-ingest-dead-letter-hold");
      assert.strictEqual(input(hold, "topic"), "projects/acme-test/topics/cnai-test-ingest-dead-letter");
      assert.strictEqual(input(hold, "messageRetentionDuration"), "604800s");
      assert.strictEqual(input(hold, "retainAckedMessages"), true);
      assert.deepStrictEqual(input(hold, "expirationPolicy"), { ttl: "" });
    });

    it("grants the Pub/Sub service agent dataEditor on the events table, publisher on the dead-letter topic, subscriber on the subscription", async () => {
      const result = await platform();
      const tableGrant = one(result, TABLE_IAM, "ml-pubsub-writes-events");
      assert.deepStrictEqual(tableGrant.inputs, {
        project: "acme-test",
        datasetId: "cnai_test_ml",
        tableId: "events",
        role: "roles/bigquery.dataEditor",
        member: PUBSUB_AGENT,
      });
      const deadLetters = one(result, TOPIC_IAM, "ml-pubsub-dead-letters");
      assert.deepStrictEqual(deadLetters.inputs, {
        project: "acme-test",
        topic: "cnai-test-ingest-dead-letter",
        role: "roles/pubsub.publisher",
        member: PUBSUB_AGENT,
      });
      const acks = one(result, SUBSCRIPTION_IAM, "ml-pubsub-acks-dead-letters");
      assert.deepStrictEqual(acks.inputs, {
        project: "acme-test",
        subscription: "cnai-test-ingest-to-bigquery",
        role: "roles/pubsub.subscriber",
        member: PUBSUB_AGENT,
      });
    });

    it("creates the BigQuery subscription only after the table grant (dependsOn)", async () => {
      const result = await platform();
      const grant = one(result, TABLE_IAM);
      const sub = one(result, SUBSCRIPTION, "ml-to-bigquery");
      assert.ok(sub.options.dependsOn.includes(grant.urn), `dependsOn: ${sub.options.dependsOn.join(", ")}`);
    });

    it("scans the features table daily at 04:00 UTC, all rows, with the five quality rules", async () => {
      const scan = one(await platform(), SCAN, "ml-quality");
      assert.strictEqual(input(scan, "project"), "acme-test");
      assert.strictEqual(input(scan, "location"), "us-central1");
      assert.strictEqual(input(scan, "dataScanId"), "cnai-test-features-quality");
      assert.deepStrictEqual(input(scan, "data"), {
        resource: "//bigquery.googleapis.com/projects/acme-test/datasets/cnai_test_ml/tables/features",
      });
      assert.deepStrictEqual(input(scan, "executionSpec"), { trigger: { schedule: { cron: "TZ=UTC 0 4 * * *" } } });
      assert.strictEqual(input(scan, "dataQualitySpec.samplingPercent"), 100);
      assert.deepStrictEqual(input(scan, "dataQualitySpec.rules"), qualityRules([0, 1]));
      const rules = input(scan, "dataQualitySpec.rules") as Array<{ name: string; dimension: string }>;
      assert.deepStrictEqual(
        rules.map((r) => [r.name, r.dimension]),
        [
          ["row-id-present", "COMPLETENESS"],
          ["row-id-unique", "UNIQUENESS"],
          ["entity-id-present", "COMPLETENESS"],
          ["label-in-range", "VALIDITY"],
          ["no-future-rows", "VALIDITY"],
        ],
      );
      assert.deepStrictEqual(input(scan, "dataQualitySpec.rules.3.rangeExpectation"), { minValue: "0", maxValue: "1" });
    });

    it("grants no owners, readers, writers or publishers", async () => {
      const result = await platform();
      assert.strictEqual(all(result, DATASET_IAM).length, 0);
      assert.strictEqual(all(result, SCAN_IAM).length, 0);
      // Only the service agent's grant on the dead-letter topic.
      assert.deepStrictEqual(
        all(result, TOPIC_IAM).map((r) => r.name),
        ["ml-pubsub-dead-letters"],
      );
    });

    it("creates one dataset, two tables, two topics, two subscriptions, the service agent grants and the scan, all parented to the component", async () => {
      const result = await platform();
      const component = one(result, COMPONENT, "ml");
      const children = result.resources.filter((r) => r.parent === component.urn);
      assert.deepStrictEqual(
        children.map((r) => r.type).sort(),
        [
          DATASET,
          TABLE,
          TABLE,
          TOPIC,
          TOPIC,
          TABLE_IAM,
          SUBSCRIPTION,
          SUBSCRIPTION,
          TOPIC_IAM,
          SUBSCRIPTION_IAM,
          SCAN,
        ].sort(),
      );
      assert.strictEqual(result.resources.filter((r) => r.custom).length, children.length);
    });

    it("resolves defaults without creating anything (pure core)", () => {
      assert.deepStrictEqual(resolveDataPlatformArgs("ml", args()), {
        classification: "internal",
        messageRetentionDays: 7,
        maxDeliveryAttempts: 5,
        schedule: "0 4 * * *",
        samplingPercent: 100,
        labelRange: [0, 1],
      });
    });
  });

  describe("options", () => {
    it("tableExpirationDays sets the dataset's default table expiration in milliseconds; the managed tables keep theirs and expire partitions instead", async () => {
      const result = await platform({ tableExpirationDays: 30 });
      assert.strictEqual(input(one(result, DATASET), "defaultTableExpirationMs"), 30 * 24 * 60 * 60 * 1000);
      for (const table of all(result, TABLE)) {
        assert.strictEqual(input(table, "expirationTime"), MANAGED_TABLE_EXPIRATION_MS, table.name);
        assert.strictEqual(input(table, "timePartitioning.expirationMs"), 30 * 24 * 60 * 60 * 1000, table.name);
      }
      assert.strictEqual(new Date(MANAGED_TABLE_EXPIRATION_MS).toISOString(), "2100-01-01T00:00:00.000Z");
    });

    it("deleteContentsOnDestroy deletes tables with the dataset", async () => {
      const ds = one(await platform({ deleteContentsOnDestroy: true }), DATASET);
      assert.strictEqual(input(ds, "deleteContentsOnDestroy"), true);
    });

    it("kmsKeyName encrypts the dataset and both topics with the customer-managed key", async () => {
      const result = await platform({ kmsKeyName: KEY });
      assert.deepStrictEqual(input(one(result, DATASET), "defaultEncryptionConfiguration"), { kmsKeyName: KEY });
      const topics = all(result, TOPIC);
      assert.strictEqual(topics.length, 2);
      for (const topic of topics) assert.strictEqual(input(topic, "kmsKeyName"), KEY, topic.name);
    });

    for (const classification of ["confidential", "restricted", "public"] as const) {
      it(`classification ${classification} labels the dataset, tables and topics`, async () => {
        const result = await platform({ classification, kmsKeyName: classification === "public" ? undefined : KEY });
        for (const store of [...all(result, DATASET), ...all(result, TABLE), ...all(result, TOPIC)]) {
          assert.strictEqual(labelsOf(store)["data-classification"], classification, store.name);
        }
        for (const other of [...all(result, SUBSCRIPTION), ...all(result, SCAN)]) {
          assert.strictEqual(labelsOf(other)["data-classification"], undefined, other.name);
        }
      });
    }

    it("extra stack labels reach every labelled resource", async () => {
      const result = await platform({ labels: { ...STACK_LABELS, extra: { project_code: "p42" } } });
      const labelled = [
        ...all(result, DATASET),
        ...all(result, TABLE),
        ...all(result, TOPIC),
        ...all(result, SUBSCRIPTION),
        ...all(result, SCAN),
      ];
      assert.strictEqual(labelled.length, 8);
      for (const r of labelled) assert.strictEqual(labelsOf(r).project_code, "p42", r.name);
    });

    it("messageRetentionDays sets both topics' retention in seconds", async () => {
      const result = await platform({ messageRetentionDays: 31 });
      for (const topic of all(result, TOPIC))
        assert.strictEqual(input(topic, "messageRetentionDuration"), "2678400s", topic.name);
      const one_ = await platform({ messageRetentionDays: 1 });
      for (const topic of all(one_, TOPIC))
        assert.strictEqual(input(topic, "messageRetentionDuration"), "86400s", topic.name);
    });

    it("maxDeliveryAttempts sets the dead-letter policy", async () => {
      const sub = one(await platform({ maxDeliveryAttempts: 100 }), SUBSCRIPTION, "ml-to-bigquery");
      assert.strictEqual(input(sub, "deadLetterPolicy.maxDeliveryAttempts"), 100);
    });

    it("quality schedule, sampling and label range reach the scan", async () => {
      const scan = one(
        await platform({ quality: { schedule: "30 2 * * 1", samplingPercent: 10, labelRange: [-1, 5] } }),
        SCAN,
      );
      assert.strictEqual(input(scan, "executionSpec.trigger.schedule.cron"), "TZ=UTC 30 2 * * 1");
      assert.strictEqual(input(scan, "dataQualitySpec.samplingPercent"), 10);
      assert.deepStrictEqual(input(scan, "dataQualitySpec.rules.3.rangeExpectation"), {
        minValue: "-1",
        maxValue: "5",
      });
      assert.deepStrictEqual(input(scan, "dataQualitySpec.rules"), qualityRules([-1, 5]));
    });

    it("owners steward the dataset (bigquery.dataOwner) and the scan (dataplex.dataScanAdmin)", async () => {
      const owners = ["group:ml-data@acme.com", "user:ana@acme.com"];
      const result = await platform({ owners });
      const datasetOwners = byName(all(result, DATASET_IAM)).filter(
        (r) => input(r, "role") === "roles/bigquery.dataOwner",
      );
      assert.deepStrictEqual(
        datasetOwners.map((r) => [r.name, input(r, "member"), input(r, "datasetId"), input(r, "project")]),
        [
          ["ml-steward-group-ml-data-acme-com", "group:ml-data@acme.com", "cnai_test_ml", "acme-test"],
          ["ml-steward-user-ana-acme-com", "user:ana@acme.com", "cnai_test_ml", "acme-test"],
        ],
      );
      const scanAdmins = byName(all(result, SCAN_IAM));
      assert.deepStrictEqual(
        scanAdmins.map((r) => r.inputs),
        owners.map((member) => ({
          project: "acme-test",
          location: "us-central1",
          dataScanId: "cnai-test-features-quality",
          role: "roles/dataplex.dataScanAdmin",
          member,
        })),
      );
      assert.deepStrictEqual(
        scanAdmins.map((r) => r.name),
        ["ml-quality-steward-group-ml-data-acme-com", "ml-quality-steward-user-ana-acme-com"],
        "named by member: reordering replaces nothing",
      );
    });

    it("readers get bigquery.dataViewer and writers bigquery.dataEditor on the dataset", async () => {
      const result = await platform({
        readers: ["serviceAccount:train@acme-test.iam.gserviceaccount.com", "group:analysts@acme.com"],
        writers: ["serviceAccount:etl@acme-test.iam.gserviceaccount.com"],
      });
      const grants = byName(all(result, DATASET_IAM)).map((r) => [
        r.name,
        input(r, "role"),
        input(r, "member"),
        input(r, "datasetId"),
      ]);
      assert.deepStrictEqual(grants, [
        [
          "ml-reader-0",
          "roles/bigquery.dataViewer",
          "serviceAccount:train@acme-test.iam.gserviceaccount.com",
          "cnai_test_ml",
        ],
        ["ml-reader-1", "roles/bigquery.dataViewer", "group:analysts@acme.com", "cnai_test_ml"],
        [
          "ml-writer-0",
          "roles/bigquery.dataEditor",
          "serviceAccount:etl@acme-test.iam.gserviceaccount.com",
          "cnai_test_ml",
        ],
      ]);
      assert.strictEqual(all(result, SCAN_IAM).length, 0);
    });

    it("publishers get pubsub.publisher on the ingest topic (not the dead-letter topic)", async () => {
      const result = await platform({ publishers: ["serviceAccount:collector@acme-test.iam.gserviceaccount.com"] });
      const publisher = one(result, TOPIC_IAM, "ml-publisher-0");
      assert.deepStrictEqual(publisher.inputs, {
        project: "acme-test",
        topic: "cnai-test-ingest",
        role: "roles/pubsub.publisher",
        member: "serviceAccount:collector@acme-test.iam.gserviceaccount.com",
      });
    });

    it("protect sets Pulumi protect on the dataset, tables and topics, and table deletion protection", async () => {
      const result = await platform({ protect: true });
      const stored = [...all(result, DATASET), ...all(result, TABLE), ...all(result, TOPIC)];
      assert.strictEqual(stored.length, 5);
      for (const r of stored) assert.strictEqual(r.options.protect, true, r.name);
      for (const table of all(result, TABLE)) assert.strictEqual(input(table, "deletionProtection"), true, table.name);
    });
  });

  describe("validation", () => {
    const cases: Array<[string, Partial<DataPlatformArgs>, RegExp]> = [
      [
        "confidential data without a customer-managed key",
        { classification: "confidential" },
        /confidential data needs a customer-managed key\. Either set kmsKeyName, or classify the data as internal or public/,
      ],
      [
        "restricted data without a customer-managed key",
        { classification: "restricted" },
        /restricted data needs a customer-managed key/,
      ],
      [
        "a message retention of 0 days",
        { messageRetentionDays: 0 },
        /messageRetentionDays must be a whole number from 1 to 31 \(got 0\)/,
      ],
      [
        "a message retention of 32 days",
        { messageRetentionDays: 32 },
        /messageRetentionDays must be a whole number from 1 to 31 \(got 32\)/,
      ],
      [
        "4 delivery attempts",
        { maxDeliveryAttempts: 4 },
        /maxDeliveryAttempts must be a whole number from 5 to 100 \(got 4\)/,
      ],
      [
        "a fractional number of delivery attempts",
        { maxDeliveryAttempts: 5.5 },
        /maxDeliveryAttempts must be a whole number from 5 to 100 \(got 5\.5\)/,
      ],
      [
        "a four-field cron schedule",
        { quality: { schedule: "0 4 * *" } },
        /quality\.schedule must be a five-field cron expression \(got "0 4 \* \*"\)/,
      ],
      [
        "a sampling percent of 0",
        { quality: { samplingPercent: 0 } },
        /quality\.samplingPercent must be in \(0, 100\] \(got 0\)/,
      ],
      [
        "an inverted label range",
        { quality: { labelRange: [1, 0] } },
        /quality\.labelRange must be \[min, max\] with min < max \(got \[1, 0\]\)/,
      ],
      [
        "owner allUsers",
        { owners: ["allUsers"] },
        /owners: allUsers would make the resource public; grant named principals only/,
      ],
      [
        "a public reader",
        { readers: ["allAuthenticatedUsers"] },
        /readers: allAuthenticatedUsers would make the resource public/,
      ],
      [
        "an owner without a member prefix",
        { owners: ["ml-team@x.com"] },
        /owners: "ml-team@x\.com" is not an IAM member \(user:, group:, serviceAccount:, domain:, principal: or principalSet:\)/,
      ],
      [
        "a table expiration of 0 days",
        { tableExpirationDays: 0 },
        /tableExpirationDays must be a whole number, at least 1 \(got 0\)/,
      ],
    ];
    for (const [what, overrides, message] of cases) {
      it(`refuses ${what}, naming the platform, and creates no dataset, topic or scan`, async () => {
        await assert.rejects(platform(overrides), (error: ProgramError) => {
          assert.ok(error instanceof ProgramError, "expected a ProgramError");
          assert.match(error.message, /^DataPlatform "ml": /);
          assert.match(error.message, message);
          const created = error.resources.filter((r) => r.custom).map((r) => r.type);
          for (const type of [DATASET, TABLE, TOPIC, SUBSCRIPTION, SCAN])
            assert.ok(!created.includes(type), `created a ${type}`);
          return true;
        });
      });
    }

    it("the pure core throws the same ResourceError", () => {
      assert.throws(
        () => resolveDataPlatformArgs("ml", args({ classification: "confidential" })),
        /DataPlatform "ml": confidential data needs a customer-managed key/,
      );
      assert.doesNotThrow(() =>
        resolveDataPlatformArgs("ml", args({ classification: "confidential", kmsKeyName: KEY })),
      );
    });
  });

  describe("qualityRules", () => {
    it("checks completeness and uniqueness of row_id, completeness of entity_id, the label range and no future rows", () => {
      assert.deepStrictEqual(qualityRules([0, 1]), [
        { name: "row-id-present", column: "row_id", dimension: "COMPLETENESS", threshold: 1, nonNullExpectation: {} },
        { name: "row-id-unique", column: "row_id", dimension: "UNIQUENESS", uniquenessExpectation: {} },
        {
          name: "entity-id-present",
          column: "entity_id",
          dimension: "COMPLETENESS",
          threshold: 1,
          nonNullExpectation: {},
        },
        {
          name: "label-in-range",
          column: "label",
          dimension: "VALIDITY",
          threshold: 0.99,
          ignoreNull: true,
          rangeExpectation: { minValue: "0", maxValue: "1" },
        },
        {
          name: "no-future-rows",
          dimension: "VALIDITY",
          sqlAssertion: { sqlStatement: "SELECT row_id FROM ${data()} WHERE feature_timestamp > CURRENT_TIMESTAMP()" },
        },
      ]);
    });

    it("only checks columns of the feature table", () => {
      const columns = new Set(FEATURES_SCHEMA.map((c) => c.name));
      for (const rule of qualityRules([0, 1])) {
        if (rule.column !== undefined) assert.ok(columns.has(rule.column as string), `${rule.name}: ${rule.column}`);
      }
    });
  });
});
