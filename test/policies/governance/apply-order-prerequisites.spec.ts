import * as assert from "node:assert";
import { applyOrder } from "../../../policies/governance/policies/apply-order";
import { dependingOn, messagesOf, type TestResource, urnOf } from "../../helpers/policy";

/**
 * cnai-apply-order, the prerequisites the review of issue 13 found missing or misjudged: where
 * client-based APIs are checked, grants above the key, the bucket's grant and content for Cloud
 * Run, Pub/Sub's BigQuery writer, Kubernetes namespaces, API groups and webhook ports.
 */
const SERVICE = "gcp:projects/service:Service";
const api = (service: string, project = "p"): TestResource => ({
  type: SERVICE,
  name: `${project}-${service.split(".")[0]}`,
  inputs: { project, service },
});
const urn = (r: TestResource) => urnOf(r.type, r.name!);

describe("policy cnai-apply-order: prerequisites", () => {
  describe("APIs, where Google checks them", () => {
    const BUDGETS = api("billingbudgets.googleapis.com");
    const CRM = api("cloudresourcemanager.googleapis.com");
    const quotaProvider: TestResource = {
      type: "pulumi:providers:gcp",
      name: "billing",
      inputs: { project: "p", billingProject: "p", userProjectOverride: "true" },
    };
    const budget = (options: TestResource["options"], provider?: string): TestResource => ({
      type: "gcp:billing/budget:Budget",
      name: "budget",
      inputs: { billingAccount: "01A2B3-C4D5E6-F7A8B9" },
      options,
      provider,
    });

    it("checks a client-based API (Billing Budget) in the quota project the resource's provider sends, and waits for it there", async () => {
      assert.deepStrictEqual(
        await messagesOf(applyOrder, [
          BUDGETS,
          { ...quotaProvider, options: dependingOn(BUDGETS) },
          budget({}, urn(quotaProvider)),
        ]),
        [],
        "after the API through its provider",
      );
      const [early] = await messagesOf(applyOrder, [BUDGETS, quotaProvider, budget({}, urn(quotaProvider))]);
      assert.match(
        early,
        /^budget \(gcp:billing\/budget:Budget\) calls billingbudgets\.googleapis\.com but does not wait for p-billingbudgets, which enables it\./,
      );
      const [missing] = await messagesOf(applyOrder, [CRM, quotaProvider, budget({}, urn(quotaProvider))]);
      assert.match(
        missing,
        /^budget \(gcp:billing\/budget:Budget\) calls billingbudgets\.googleapis\.com, which the plan does not enable in p, the quota project its provider sends\./,
      );
    });

    it("does not judge a client-based API under the default provider: the caller's quota project (a seed project) is outside the plan", async () => {
      // Before: a mandatory "does not enable" for a plan deploying with a seed-project service account.
      const member: TestResource = {
        type: "gcp:projects/iAMMember:IAMMember",
        name: "viewer",
        inputs: { project: "p", role: "roles/viewer", member: "group:a@example.com" },
      };
      const services = [api("container.googleapis.com"), { ...api("pubsub.googleapis.com"), options: {} }];
      assert.deepStrictEqual(await messagesOf(applyOrder, [...services, member, budget({})]), []);
    });

    it("needs the Container File System API for a cluster that streams images through nodePoolDefaults, and Monitoring and Logging for its telemetry", async () => {
      const CONTAINER = api("container.googleapis.com");
      const cluster: TestResource = {
        type: "gcp:container/cluster:Cluster",
        name: "gke",
        options: dependingOn(CONTAINER),
        inputs: {
          project: "p",
          nodePoolDefaults: { nodeConfigDefaults: { gcfsConfig: { enabled: true } } },
          monitoringConfig: { managedPrometheus: { enabled: true } },
          loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS"] },
        },
      };
      const messages = await messagesOf(applyOrder, [CONTAINER, cluster]);
      assert.deepStrictEqual(
        messages.map((m) => /calls (\S+), which the plan does not enable/.exec(m)?.[1]),
        ["containerfilesystem.googleapis.com", "monitoring.googleapis.com", "logging.googleapis.com"],
      );
      const apis = ["containerfilesystem", "monitoring", "logging"].map((a) => api(`${a}.googleapis.com`));
      assert.deepStrictEqual(
        await messagesOf(applyOrder, [CONTAINER, ...apis, { ...cluster, options: dependingOn(CONTAINER, ...apis) }]),
        [],
      );
    });
  });

  describe("customer-managed keys", () => {
    const ring: TestResource = {
      type: "gcp:kms/keyRing:KeyRing",
      name: "ring",
      inputs: { name: "r", location: "us-central1", project: "p" },
    };
    const key: TestResource = {
      type: "gcp:kms/cryptoKey:CryptoKey",
      name: "key",
      inputs: { name: "k", keyRing: "projects/p/locations/us-central1/keyRings/r" },
      propertyDependencies: { keyRing: [urn(ring)] },
    };
    const bucket = (options: TestResource["options"]): TestResource => ({
      type: "gcp:storage/bucket:Bucket",
      name: "raw",
      inputs: { encryption: { defaultKmsKeyName: "projects/p/locations/us-central1/keyRings/r/cryptoKeys/k" } },
      options,
      propertyDependencies: { encryption: [urn(key)] },
    });
    const agent = "serviceAccount:service-1@gs-project-accounts.iam.gserviceaccount.com";
    const role = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

    it("accepts the role granted on the key's ring (inherited by its keys), by input dependency or by value, and ordered like a key grant", async () => {
      // Before: a KeyRingIAMMember was reported as "no grant", mandatory.
      const byDependency: TestResource = {
        type: "gcp:kms/keyRingIAMMember:KeyRingIAMMember",
        name: "ring-user",
        inputs: { keyRingId: "[unknown]", role, member: agent },
        propertyDependencies: { keyRingId: [urn(ring)] },
      };
      assert.deepStrictEqual(
        await messagesOf(applyOrder, [ring, key, byDependency, bucket(dependingOn(byDependency))]),
        [],
      );
      const byValue: TestResource = {
        ...byDependency,
        inputs: { keyRingId: "projects/p/locations/us-central1/keyRings/r", role, member: agent },
        propertyDependencies: {},
      };
      assert.deepStrictEqual(await messagesOf(applyOrder, [ring, key, byValue, bucket(dependingOn(byValue))]), []);
      const [early] = await messagesOf(applyOrder, [ring, key, byValue, bucket({})]);
      assert.match(
        early,
        /^raw encrypts with a key whose grant to the gs-project-accounts service agent \(ring-user\) is not created before it\./,
      );
    });

    it("accepts the role granted on the key's project, and still wants the grant to name the service's agent", async () => {
      const onProject: TestResource = {
        type: "gcp:projects/iAMMember:IAMMember",
        name: "project-kms",
        inputs: { project: "p", role, member: agent },
      };
      assert.deepStrictEqual(await messagesOf(applyOrder, [ring, key, onProject, bucket(dependingOn(onProject))]), []);
      const otherAgent: TestResource = {
        ...onProject,
        inputs: { project: "p", role, member: "serviceAccount:service-1@gcp-sa-pubsub.iam.gserviceaccount.com" },
      };
      const [message] = await messagesOf(applyOrder, [ring, key, otherAgent, bucket(dependingOn(otherAgent))]);
      assert.match(
        message,
        /^raw encrypts with a key of the plan, but no grant .* to the gs-project-accounts service agent is in the plan\./,
      );
    });
  });

  describe("Cloud Run volumes", () => {
    const models: TestResource = {
      type: "gcp:storage/bucket:Bucket",
      name: "models",
      inputs: { name: "p-models", location: "US" },
    };
    const grant: TestResource = {
      type: "gcp:storage/bucketIAMMember:BucketIAMMember",
      name: "models-reader",
      inputs: {
        bucket: "p-models",
        role: "roles/storage.objectViewer",
        member: "serviceAccount:serving@p.iam.gserviceaccount.com",
      },
      options: dependingOn(models),
    };
    const service = (options: TestResource["options"], template: Record<string, unknown> = {}): TestResource => ({
      type: "gcp:cloudrunv2/service:Service",
      name: "chat",
      options,
      inputs: {
        template: {
          serviceAccount: "serving@p.iam.gserviceaccount.com",
          healthCheckDisabled: true,
          volumes: [{ name: "models", gcs: { bucket: "p-models", readOnly: true } }],
          containers: [{ image: "vllm/vllm-openai:v0.11.0" }],
          ...template,
        },
      },
    });

    it("flags a service that mounts a bucket of the plan its identity has no grant on at all", async () => {
      // Before: 0 findings (the check looked at order only when a grant existed).
      const [message] = await messagesOf(applyOrder, [models, service(dependingOn(models))]);
      assert.match(
        message,
        /^chat mounts bucket p-models, which the plan does not let its identity serving@p\.iam\.gserviceaccount\.com read\./,
      );
      const projectWide: TestResource = {
        type: "gcp:projects/iAMMember:IAMMember",
        name: "reader",
        inputs: {
          project: "p",
          role: "roles/storage.objectViewer",
          member: "serviceAccount:serving@p.iam.gserviceaccount.com",
        },
      };
      assert.deepStrictEqual(
        await messagesOf(applyOrder, [models, projectWide, service(dependingOn(models, projectWide))]),
        [],
        "a storage reader role on the project serves",
      );
    });

    it("flags a deploy that starts a container reading a bucket the plan creates empty, unless the plan writes the objects first", async () => {
      assert.deepStrictEqual(
        await messagesOf(applyOrder, [models, grant, service(dependingOn(grant))]),
        [],
        "healthCheckDisabled: no container at deploy",
      );
      const [message] = await messagesOf(applyOrder, [
        models,
        grant,
        service(dependingOn(grant), { healthCheckDisabled: false }),
      ]);
      assert.match(
        message,
        /^chat starts its revision at deploy \(template\.healthCheckDisabled is not true\) and reads bucket p-models, which the plan creates empty: on a first `pulumi up` the revision never becomes ready and the create fails\./,
      );
      const config: TestResource = {
        type: "gcp:storage/bucketObject:BucketObject",
        name: "config",
        inputs: { bucket: "p-models", name: "chat/v1/config.json" },
        options: dependingOn(models),
      };
      assert.deepStrictEqual(
        await messagesOf(applyOrder, [
          models,
          grant,
          config,
          service(dependingOn(grant, config), { healthCheckDisabled: false }),
        ]),
        [],
      );
    });
  });

  describe("Pub/Sub BigQuery subscriptions", () => {
    const table: TestResource = {
      type: "gcp:bigquery/table:Table",
      name: "events",
      inputs: { project: "p", datasetId: "ml", tableId: "events" },
    };
    const writer: TestResource = {
      type: "gcp:bigquery/iamMember:IamMember",
      name: "pubsub-writes",
      inputs: {
        project: "p",
        datasetId: "ml",
        tableId: "events",
        role: "roles/bigquery.dataEditor",
        member: "serviceAccount:service-1@gcp-sa-pubsub.iam.gserviceaccount.com",
      },
      options: dependingOn(table),
    };
    const subscription = (
      options: TestResource["options"],
      bigqueryConfig: Record<string, unknown> = {},
    ): TestResource => ({
      type: "gcp:pubsub/subscription:Subscription",
      name: "to-bq",
      options,
      inputs: { project: "p", topic: "t", bigqueryConfig: { table: "p.ml.events", ...bigqueryConfig } },
    });

    it("needs the writer's grant on the table before the subscription, which Pub/Sub checks at create", async () => {
      assert.deepStrictEqual(await messagesOf(applyOrder, [table, writer, subscription(dependingOn(writer))]), []);
      const [early] = await messagesOf(applyOrder, [table, writer, subscription(dependingOn(table))]);
      assert.match(
        early,
        /^to-bq writes to BigQuery as the Pub\/Sub service agent but is not created after pubsub-writes, the grant Pub\/Sub checks when it creates the subscription\./,
      );
      const [none] = await messagesOf(applyOrder, [table, subscription(dependingOn(table))]);
      assert.match(
        none,
        /^to-bq writes to BigQuery table p\.ml\.events as the Pub\/Sub service agent, which the plan does not grant roles\/bigquery\.dataEditor on the table, its dataset or project\./,
      );
    });

    it("takes a grant on the dataset, and the subscription's own service account when it names one", async () => {
      const onDataset: TestResource = {
        type: "gcp:bigquery/datasetIamMember:DatasetIamMember",
        name: "ds-writer",
        inputs: {
          project: "p",
          datasetId: "ml",
          role: "roles/bigquery.dataEditor",
          member: "serviceAccount:writer@p.iam.gserviceaccount.com",
        },
      };
      assert.deepStrictEqual(
        await messagesOf(applyOrder, [
          table,
          onDataset,
          subscription(dependingOn(onDataset), { serviceAccountEmail: "writer@p.iam.gserviceaccount.com" }),
        ]),
        [],
      );
      const [wrong] = await messagesOf(applyOrder, [table, onDataset, subscription(dependingOn(onDataset))]);
      assert.match(wrong, /as the Pub\/Sub service agent, which the plan does not grant/);
    });
  });
});
