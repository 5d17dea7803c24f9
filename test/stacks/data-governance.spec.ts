import * as assert from "node:assert";
import { teamNamespaceName } from "../../components/naming";
import type { RunResult } from "../../scripts/lib/engine";
import { planFromRun } from "../../scripts/lib/plan-document";
import type { RecordedResource } from "../../scripts/lib/recording-monitor";
import { Hasher } from "../../scripts/lib/synthesize";
import { all, input, one } from "../helpers/run";
import { stackRun } from "../helpers/stacks";

const STACKS = ["dev", "staging", "prod"] as const;
const planOf = stackRun;

/** IAM grants of a plan: role, member and the resource granted on. */
function grants(run: RunResult) {
  return run.resources
    .filter((r) => r.custom && /IAM(Member|Binding)|Iam(Member|Binding)/i.test(r.type.split(":")[2] ?? ""))
    .map((r) => {
      const on = [
        "bucket",
        "repository",
        "topic",
        "subscription",
        "secretId",
        "dataScanId",
        "cryptoKeyId",
        "serviceAccountId",
        "tableId",
        "datasetId",
        "project",
      ].find((key) => typeof r.inputs[key] === "string");
      return {
        type: r.type,
        role: String(r.inputs.role),
        member: String(r.inputs.member),
        on: on ? `${on}=${r.inputs[on]}` : "?",
      };
    });
}

/** The resource types that hold state, which prod protects. */
const STATEFUL_TYPES = [
  "gcp:storage/bucket:Bucket",
  "gcp:bigquery/dataset:Dataset",
  "gcp:bigquery/table:Table",
  "gcp:pubsub/topic:Topic",
  "gcp:sql/databaseInstance:DatabaseInstance",
  "gcp:sql/database:Database",
  "gcp:secretmanager/secret:Secret",
  "gcp:artifactregistry/repository:Repository",
  "gcp:kms/cryptoKey:CryptoKey",
  "gcp:container/cluster:Cluster",
];

describe("data governance of the shipped stacks", () => {
  describe("secrets", () => {
    for (const stack of STACKS) {
      for (const preview of [false, true]) {
        it(`${stack}${preview ? " (preview)" : ""}: the database password never appears in plan.json; where it is used the plan says [secret]`, async () => {
          const run = await planOf(stack, preview);
          const text = JSON.stringify(planFromRun(run));
          const passwords = all(run, "random:index/randomPassword:RandomPassword");
          assert.ok(passwords.some((p) => p.name === "registry-db-password"));
          for (const generated of passwords) {
            assert.ok(!text.includes(new Hasher(generated.urn).hex(32, "password")), `no plaintext ${generated.name}`);
          }
          // Unknown in preview (the password is generated on apply) and secret: the contract says [secret].
          assert.strictEqual(input(one(run, "gcp:sql/user:User"), "password"), "[secret]");
          assert.strictEqual(
            input(one(run, "gcp:secretmanager/secretVersion:SecretVersion"), "secretData"),
            "[secret]",
          );
          assert.strictEqual(
            input(one(run, "kubernetes:core/v1:Secret", "model-registry-db"), "stringData"),
            "[secret]",
          );
          assert.ok(!/password/i.test(JSON.stringify(run.outputs)), "no password among the outputs");
        });
      }
    }

    it("the MLflow chart gets the password from the Kubernetes Secret, never in its values", async () => {
      const chart = one(await planOf("dev"), "kubernetes:helm.sh/v4:Chart", "model-registry-mlflow");
      assert.deepStrictEqual(input(chart, "values.backendStore.existingDatabaseSecret"), {
        name: "model-registry-db",
        usernameKey: "POSTGRES_USER",
        passwordKey: "POSTGRES_PASSWORD",
      });
      assert.ok(!JSON.stringify(chart.inputs).includes("[secret]"), "values are not secret, so they carry no secret");
    });
  });

  describe("protection", () => {
    it("prod protects every stateful resource, and Cloud SQL and BigQuery tables have deletion protection", async () => {
      const run = await planOf("prod");
      const stateful = run.resources.filter((r) => STATEFUL_TYPES.includes(r.type));
      assert.ok(stateful.length >= 20, `${stateful.length} stateful resources`);
      for (const r of stateful) assert.strictEqual(r.options.protect, true, `${r.urn} is protected`);
      for (const ring of all(run, "gcp:kms/keyRing:KeyRing")) assert.strictEqual(ring.options.retainOnDelete, true);
      const sql = one(run, "gcp:sql/databaseInstance:DatabaseInstance");
      assert.strictEqual(input(sql, "deletionProtection"), true);
      assert.strictEqual(input(sql, "settings.deletionProtectionEnabled"), true);
      for (const table of all(run, "gcp:bigquery/table:Table"))
        assert.strictEqual(input(table, "deletionProtection"), true);
    });

    it("dev protects nothing and may force-destroy buckets and datasets; only dev may", async () => {
      for (const stack of STACKS) {
        const run = await planOf(stack);
        const dev = stack === "dev";
        for (const b of all(run, "gcp:storage/bucket:Bucket"))
          assert.strictEqual(input(b, "forceDestroy"), dev, `${stack} ${b.name}`);
        assert.strictEqual(input(one(run, "gcp:bigquery/dataset:Dataset"), "deleteContentsOnDestroy"), dev);
        assert.strictEqual(
          input(one(run, "gcp:bigquery/dataset:Dataset"), "defaultTableExpirationMs"),
          dev ? 30 * 86_400_000 : undefined,
        );
        if (dev)
          assert.ok(
            run.resources.every((r) => !r.options.protect),
            "nothing protected in dev",
          );
      }
    });
    it("protects each bucket's objects one way Cloud Storage accepts: prod's raw data by a 30-day retention policy, unversioned; versioning elsewhere", async () => {
      // Issue 13, item 1: Cloud Storage refuses a retention policy on a bucket with Object Versioning
      // (cloud.google.com/storage/docs/bucket-lock), so the prod stack file keeps raw data 30 days under a
      // retention policy (storage.rawRetentionDays: 30, rawVersioning: false) and versions nothing there.
      for (const stack of STACKS) {
        const run = await planOf(stack);
        const buckets = all(run, "gcp:storage/bucket:Bucket");
        for (const b of buckets)
          assert.ok(
            !(input(b, "versioning.enabled") === true && input(b, "retentionPolicy") !== undefined),
            `${stack} ${b.name}: retention or versioning, not both`,
          );
        const protection = (name: string) => {
          const b = one(run, "gcp:storage/bucket:Bucket", name);
          return { versioning: input(b, "versioning.enabled"), retention: input(b, "retentionPolicy.retentionPeriod") };
        };
        assert.deepStrictEqual(
          protection("storage-datasets-raw"),
          stack === "prod"
            ? { versioning: false, retention: String(30 * 86_400) }
            : { versioning: true, retention: undefined },
          stack,
        );
        for (const name of ["storage-datasets-curated", "storage-models"])
          assert.deepStrictEqual(protection(name), { versioning: true, retention: undefined }, `${stack} ${name}`);
      }
    });
  });

  describe("encryption", () => {
    it("confidential and restricted data always use the customer-managed data key; prod encrypts every data store", async () => {
      for (const stack of STACKS) {
        const run = await planOf(stack);
        const keys = all(run, "gcp:kms/cryptoKey:CryptoKey").filter((k) => k.name === "data-key");
        for (const b of all(run, "gcp:storage/bucket:Bucket")) {
          const classification = (input(b, "labels") as Record<string, string>)["data-classification"];
          const encrypted = input(b, "encryption") !== undefined;
          if (["confidential", "restricted"].includes(classification) || stack === "prod")
            assert.ok(encrypted, `${stack} ${b.name} (${classification}) is encrypted`);
          else assert.ok(!encrypted, `${stack} ${b.name} uses Google-managed keys`);
        }
        if (stack === "dev") assert.strictEqual(keys.length, 0, "dev has no confidential data and no key");
        else assert.strictEqual(keys.length, 1);
      }
      const prod = await planOf("prod");
      assert.ok(input(one(prod, "gcp:bigquery/dataset:Dataset"), "defaultEncryptionConfiguration.kmsKeyName"));
      assert.ok(all(prod, "gcp:pubsub/topic:Topic").every((t) => input(t, "kmsKeyName")));
      assert.ok(input(one(prod, "gcp:sql/databaseInstance:DatabaseInstance"), "encryptionKeyName"));
      assert.ok(all(prod, "gcp:artifactregistry/repository:Repository").every((r) => input(r, "kmsKeyName")));
      assert.ok(
        input(
          one(prod, "gcp:secretmanager/secret:Secret"),
          "replication.userManaged.replicas.0.customerManagedEncryption.kmsKeyName",
        ),
      );
      const agents = all(prod, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")
        .filter((m) => m.name.startsWith("data-user"))
        .map((m) => String(input(m, "member")));
      for (const domain of [
        "gs-project-accounts",
        "bigquery-encryption",
        "gcp-sa-pubsub",
        "gcp-sa-secretmanager",
        "gcp-sa-cloud-sql",
        "gcp-sa-artifactregistry",
      ]) {
        // Cloud SQL's agent is service-N@gcp-sa-cloud-sql (Google Cloud IAM "Service agents"), not gcp-sa-sqladmin.
        assert.ok(
          agents.some((a) => a.includes(`@${domain}.`)),
          `the ${domain} service agent may use the data key`,
        );
      }
    });
  });

  describe("IAM", () => {
    it("no primitive roles and no public members, anywhere", async () => {
      for (const stack of STACKS) {
        const found = grants(await planOf(stack));
        assert.ok(found.length > 20);
        for (const g of found) {
          assert.ok(
            !["roles/owner", "roles/editor", "roles/viewer"].includes(g.role),
            `${stack}: ${g.role} on ${g.on}`,
          );
          assert.ok(!/^(allUsers|allAuthenticatedUsers)$/.test(g.member), `${stack}: public member on ${g.on}`);
        }
      }
    });

    it("each workload identity holds exactly the roles its work needs (dev)", async () => {
      const run = await planOf("dev");
      const found = grants(run);
      const email = (kind: string) => `serviceAccount:cnai-dev-${kind}@acme-ml-dev.iam.gserviceaccount.com`;
      const rolesOf = (kind: string) =>
        found
          .filter((g) => g.member === email(kind) && !g.type.startsWith("gcp:artifactregistry"))
          .map((g) => `${g.role} ${g.on}`)
          .sort();
      const bucket = (purpose: string) => `bucket=acme-ml-dev-cnai-dev-${purpose}`;
      assert.deepStrictEqual(rolesOf("serving"), [`roles/storage.objectViewer ${bucket("models")}`]);
      assert.deepStrictEqual(
        rolesOf("training"),
        [
          "roles/bigquery.dataViewer datasetId=cnai_dev_ml",
          "roles/bigquery.jobUser project=acme-ml-dev",
          `roles/storage.objectCreator ${bucket("models")}`,
          `roles/storage.objectUser ${bucket("checkpoints")}`,
          `roles/storage.objectViewer ${bucket("datasets-curated")}`,
          `roles/storage.objectViewer ${bucket("datasets-raw")}`,
        ].sort(),
      );
      assert.deepStrictEqual(
        rolesOf("pipelines"),
        [
          "roles/bigquery.dataEditor datasetId=cnai_dev_ml",
          "roles/bigquery.jobUser project=acme-ml-dev",
          "roles/pubsub.publisher topic=cnai-dev-ingest",
          `roles/storage.objectCreator ${bucket("models")}`,
          `roles/storage.objectUser ${bucket("datasets-curated")}`,
          `roles/storage.objectUser ${bucket("datasets-raw")}`,
        ].sort(),
      );
      assert.deepStrictEqual(
        rolesOf("registry"),
        [
          `roles/secretmanager.secretAccessor secretId=cnai-dev-model-registry-db-password`,
          `roles/storage.objectUser ${bucket("models")}`,
        ].sort(),
      );
      // Artifact Registry: every workload and the nodes pull; only the registry pushes model artifacts.
      const ar = found.filter((g) => g.type.startsWith("gcp:artifactregistry"));
      assert.deepStrictEqual(
        [...new Set(ar.filter((g) => g.role === "roles/artifactregistry.writer").map((g) => `${g.member} ${g.on}`))],
        [`${email("registry")} repository=cnai-dev-models`],
      );
      assert.deepStrictEqual(
        [...new Set(ar.filter((g) => g.role === "roles/artifactregistry.reader").map((g) => g.member))].sort(),
        [
          email("training"),
          email("serving"),
          email("pipelines"),
          "serviceAccount:cnai-dev-gke-nodes@acme-ml-dev.iam.gserviceaccount.com",
        ].sort(),
      );
    });

    it("binds each workload identity to its Kubernetes service accounts in every team namespace", async () => {
      const run = await planOf("prod");
      const bindings = all(run, "gcp:serviceaccount/iAMMember:IAMMember").map((b) => [
        String(input(b, "serviceAccountId")).split("/").pop(),
        input(b, "role"),
        input(b, "member"),
      ]);
      const member = (ns: string, ksa: string) => `serviceAccount:acme-ml-prod.svc.id.goog[${ns}/${ksa}]`;
      for (const team of ["ml-platform", "vision", "nlp"]) {
        for (const kind of ["training", "serving", "pipelines"]) {
          assert.ok(
            bindings.some(
              ([sa, role, m]) =>
                sa === `cnai-prod-${kind}@acme-ml-prod.iam.gserviceaccount.com` &&
                role === "roles/iam.workloadIdentityUser" &&
                m === member(teamNamespaceName(team), kind),
            ),
            `${team}/${kind}`,
          );
        }
      }
      assert.ok(
        bindings.some(
          ([sa, , m]) =>
            sa === "cnai-prod-registry@acme-ml-prod.iam.gserviceaccount.com" &&
            m === member("model-registry", "model-registry"),
        ),
      );
      // Managed Prometheus's query frontend reads Cloud Monitoring for KEDA as its own identity.
      assert.ok(
        bindings.some(
          ([sa, , m]) =>
            sa === "cnai-prod-metrics-query@acme-ml-prod.iam.gserviceaccount.com" &&
            m === member("monitoring", "gmp-frontend"),
        ),
      );
      // The trace collector writes to Cloud Trace as its own identity.
      assert.ok(
        bindings.some(
          ([sa, , m]) =>
            sa === "cnai-prod-traces@acme-ml-prod.iam.gserviceaccount.com" &&
            m === member("cnai-tracing", "otel-collector"),
        ),
      );
      assert.strictEqual(bindings.length, 3 * 3 + 1 + 1 + 1);
    });

    it("data owners are stewards of the dataset and the quality scan", async () => {
      const found = grants(await planOf("prod"));
      for (const owner of ["group:ml-data-owners@acme.example", "group:ml-platform-leads@acme.example"]) {
        assert.ok(found.some((g) => g.member === owner && g.role === "roles/bigquery.dataOwner"));
        assert.ok(found.some((g) => g.member === owner && g.role === "roles/dataplex.dataScanAdmin"));
      }
    });
  });

  describe("per-stack differences", () => {
    it("dev runs MLflow on a small database; staging and prod run Kubeflow Model Registry; prod's database is HA with point-in-time recovery", async () => {
      const dev = await planOf("dev");
      assert.strictEqual(
        all(dev, "kubernetes:helm.sh/v4:Chart").filter((c) => c.name === "model-registry-mlflow").length,
        1,
      );
      assert.strictEqual(input(one(dev, "gcp:sql/databaseInstance:DatabaseInstance"), "settings.tier"), "db-g1-small");
      for (const stack of ["staging", "prod"]) {
        const run = await planOf(stack);
        assert.strictEqual(
          all(run, "kubernetes:helm.sh/v4:Chart").filter((c) => c.name === "model-registry-mlflow").length,
          0,
        );
        assert.strictEqual(
          input(one(run, "kubernetes:apps/v1:Deployment", "model-registry-server"), "metadata.name"),
          "model-registry-deployment",
        );
      }
      const sql = one(await planOf("prod"), "gcp:sql/databaseInstance:DatabaseInstance");
      assert.deepStrictEqual(
        [
          input(sql, "settings.availabilityType"),
          input(sql, "settings.backupConfiguration.pointInTimeRecoveryEnabled"),
          input(sql, "settings.ipConfiguration.ipv4Enabled"),
        ],
        ["REGIONAL", true, false],
      );
      assert.ok(
        one(await planOf("prod"), "gcp:sql/databaseInstance:DatabaseInstance").options.dependsOn.some((u) =>
          u.endsWith("::network-psa"),
        ),
        "after private services access",
      );
    });

    it("Artifact Registry: cleanup only reports outside prod, tags are immutable in prod, scanning is on, caches everywhere (Cloud Run's vLLM comes through the Docker Hub cache; the dev stack turns it on)", async () => {
      for (const stack of STACKS) {
        const repos = all(await planOf(stack), "gcp:artifactregistry/repository:Repository");
        const images = repos.find((r) => r.name === "artifacts-images") as RecordedResource;
        assert.strictEqual(input(images, "cleanupPolicyDryRun"), stack !== "prod");
        assert.strictEqual(input(images, "dockerConfig.immutableTags"), stack === "prod");
        assert.deepStrictEqual(input(images, "vulnerabilityScanningConfig"), { enablementConfig: "INHERITED" });
        assert.ok(
          repos.some((r) => r.name === "artifacts-docker-hub"),
          stack,
        );
      }
    });
  });
});
