import * as assert from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import {
  PostgresDatabase,
  type PostgresDatabaseArgs,
  resolvePostgresDatabaseArgs,
} from "../../components/data/postgres-database";
import { ProgramError } from "../../scripts/lib/engine";
import { Hasher } from "../../scripts/lib/synthesize";
import { SECRET } from "../../scripts/lib/wire-values";
import { all, input, one, run, STACK_LABELS } from "../helpers/run";

const INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
const DATABASE = "gcp:sql/database:Database";
const USER = "gcp:sql/user:User";
const PASSWORD = "random:index/randomPassword:RandomPassword";
const SECRET_TYPE = "gcp:secretmanager/secret:Secret";
const SECRET_VERSION = "gcp:secretmanager/secretVersion:SecretVersion";
const SECRET_ACCESSOR = "gcp:secretmanager/secretIamMember:SecretIamMember";

const NETWORK = "projects/acme-test/global/networks/vpc";
const KEY = "projects/acme-test/locations/us-central1/keyRings/data/cryptoKeys/sql";

function args(overrides: Partial<PostgresDatabaseArgs> = {}): PostgresDatabaseArgs {
  return {
    project: "acme-test",
    region: "us-central1",
    prefix: "cnai-test",
    labels: STACK_LABELS,
    purpose: "model-registry",
    network: NETWORK,
    ...overrides,
  };
}

async function database(overrides: Partial<PostgresDatabaseArgs> = {}) {
  return run(() => new PostgresDatabase("db", args(overrides)));
}

async function instance(overrides: Partial<PostgresDatabaseArgs> = {}) {
  return one(await database(overrides), INSTANCE, "db");
}

describe("PostgresDatabase", () => {
  describe("defaults", () => {
    it("is a PostgreSQL 16 instance named <prefix>-<purpose> in the region", async () => {
      const db = await instance();
      assert.strictEqual(input(db, "databaseVersion"), "POSTGRES_16");
      assert.strictEqual(input(db, "name"), "cnai-test-model-registry");
      assert.strictEqual(input(db, "project"), "acme-test");
      assert.strictEqual(input(db, "region"), "us-central1");
    });

    it("runs a small zonal ENTERPRISE instance on a 20 GB SSD that grows on its own", async () => {
      const db = await instance();
      assert.strictEqual(input(db, "settings.tier"), "db-custom-1-3840");
      assert.strictEqual(input(db, "settings.edition"), "ENTERPRISE");
      assert.strictEqual(input(db, "settings.availabilityType"), "ZONAL");
      assert.strictEqual(input(db, "settings.diskType"), "PD_SSD");
      assert.strictEqual(input(db, "settings.diskSize"), 20);
      assert.strictEqual(input(db, "settings.diskAutoresize"), true);
    });

    it("has a private IP only, in the given network, and accepts encrypted connections only", async () => {
      const db = await instance();
      assert.deepStrictEqual(input(db, "settings.ipConfiguration"), {
        ipv4Enabled: false,
        privateNetwork: NETWORK,
        sslMode: "ENCRYPTED_ONLY",
      });
    });

    it("backs up daily at 02:00 and keeps 7 backups (by count), without point-in-time recovery", async () => {
      const db = await instance();
      assert.deepStrictEqual(input(db, "settings.backupConfiguration"), {
        enabled: true,
        startTime: "02:00",
        pointInTimeRecoveryEnabled: false,
        backupRetentionSettings: { retainedBackups: 7, retentionUnit: "COUNT" },
      });
      assert.strictEqual(input(db, "settings.backupConfiguration.transactionLogRetentionDays"), undefined);
    });

    it("is protected against deletion both in the API and in the provider", async () => {
      const db = await instance();
      assert.strictEqual(input(db, "deletionProtection"), true);
      assert.strictEqual(input(db, "settings.deletionProtectionEnabled"), true);
    });

    it("has a maintenance window, query insights without client addresses, a password policy and slow-query logging", async () => {
      const db = await instance();
      assert.deepStrictEqual(input(db, "settings.maintenanceWindow"), { day: 7, hour: 3, updateTrack: "stable" });
      assert.deepStrictEqual(input(db, "settings.insightsConfig"), {
        queryInsightsEnabled: true,
        recordApplicationTags: true,
        recordClientAddress: false,
      });
      assert.deepStrictEqual(input(db, "settings.passwordValidationPolicy"), {
        enablePasswordPolicy: true,
        minLength: 16,
        disallowUsernameSubstring: true,
      });
      assert.deepStrictEqual(input(db, "settings.databaseFlags"), [
        { name: "log_min_duration_statement", value: "1000" },
      ]);
    });

    it("uses Google-managed encryption unless given a key", async () => {
      const db = await instance();
      assert.strictEqual(input(db, "encryptionKeyName"), undefined);
    });

    it("labels the instance as internal data of the postgres-database component", async () => {
      const db = await instance();
      assert.deepStrictEqual(input(db, "settings.userLabels"), {
        env: "test",
        team: "ml-platform",
        "cost-center": "cc-1",
        "managed-by": "pulumi",
        component: "postgres-database",
        "data-classification": "internal",
      });
    });

    it("creates one database and one user, both named registry, on the instance", async () => {
      const result = await database();
      const db = one(result, DATABASE);
      assert.deepStrictEqual(db.inputs, {
        project: "acme-test",
        instance: "cnai-test-model-registry",
        name: "registry",
      });
      const user = one(result, USER);
      assert.strictEqual(input(user, "name"), "registry");
      assert.strictEqual(input(user, "instance"), "cnai-test-model-registry");
      assert.strictEqual(input(user, "project"), "acme-test");
      assert.strictEqual(input(user, "password"), SECRET);
    });

    it("generates a 32-character password of letters and digits, with minimums of each kind", async () => {
      const password = one(await database(), PASSWORD);
      assert.deepStrictEqual(password.inputs, { length: 32, special: false, minUpper: 2, minLower: 2, minNumeric: 2 });
    });

    it("keeps the password in Secret Manager, replicated in the region only, with governance labels", async () => {
      const result = await database();
      const secret = one(result, SECRET_TYPE);
      assert.strictEqual(input(secret, "project"), "acme-test");
      assert.strictEqual(input(secret, "secretId"), "cnai-test-model-registry-db-password");
      assert.deepStrictEqual(input(secret, "replication"), {
        userManaged: { replicas: [{ location: "us-central1" }] },
      });
      assert.strictEqual(
        input(secret, "replication.userManaged.replicas.0.customerManagedEncryption"),
        undefined,
        "no CMEK by default",
      );
      assert.deepStrictEqual(input(secret, "labels"), {
        env: "test",
        team: "ml-platform",
        "cost-center": "cc-1",
        "managed-by": "pulumi",
        component: "postgres-database",
      });
      const version = one(result, SECRET_VERSION);
      assert.strictEqual(input(version, "secretData"), SECRET);
      assert.strictEqual(input(version, "secret"), "projects/acme-test/secrets/cnai-test-model-registry-db-password");
    });

    it("grants nobody access to the secret", async () => {
      assert.strictEqual(all(await database(), SECRET_ACCESSOR).length, 0);
    });

    it("protects nothing from `pulumi destroy` by default", async () => {
      const result = await database();
      for (const type of [INSTANCE, DATABASE, SECRET_TYPE]) {
        assert.strictEqual(one(result, type).options.protect, false, `${type} is not protected`);
      }
    });

    it("parents every resource to the component", async () => {
      const result = await database();
      const component = one(result, "cnai:data:PostgresDatabase", "db");
      for (const type of [INSTANCE, DATABASE, USER, PASSWORD, SECRET_TYPE, SECRET_VERSION]) {
        assert.strictEqual(one(result, type).parent, component.urn, `${type} is a child of the component`);
      }
    });

    it("exports the instance's private IP and port 5432", async () => {
      const result = await run(() => {
        const db = new PostgresDatabase("db", args());
        return {
          host: db.host,
          port: db.port,
          connectionName: db.connectionName,
          databaseName: db.databaseName,
          userName: db.userName,
        };
      });
      assert.match(String(result.outputs.host), /^10\.30\.\d+\.\d+$/);
      assert.strictEqual(result.outputs.port, 5432);
      assert.strictEqual(result.outputs.connectionName, "acme-test:us-central1:cnai-test-model-registry");
      assert.strictEqual(result.outputs.databaseName, "registry");
      assert.strictEqual(result.outputs.userName, "registry");
    });
  });

  describe("secrecy", () => {
    it("never writes the generated password in clear: not in any input, option or output", async () => {
      const result = await run(() => {
        const db = new PostgresDatabase("db", args());
        return { password: db.password, plain: db.password.apply((p) => p), host: db.host };
      });
      const synthesised = new Hasher(one(result, PASSWORD).urn).hex(32, "password");
      assert.strictEqual(synthesised.length, 32);
      assert.strictEqual(result.outputs.password, SECRET);
      assert.strictEqual(result.outputs.plain, SECRET, "secrecy survives apply");
      assert.ok(!JSON.stringify(result).includes(synthesised), "the password appears nowhere in the run result");
    });

    it("(control) the password computed above is the one the engine synthesises", async () => {
      // Proves the check above looks for the right string: unwrapped on purpose, it is there.
      const result = await run(() => {
        const db = new PostgresDatabase("db", args());
        return { leaked: pulumi.unsecret(db.password) };
      });
      assert.strictEqual(result.outputs.leaked, new Hasher(one(result, PASSWORD).urn).hex(32, "password"));
    });
  });

  describe("options", () => {
    it("tier, high availability (REGIONAL) and disk size", async () => {
      const db = await instance({ tier: "db-custom-4-15360", highAvailability: true, diskSizeGb: 100 });
      assert.strictEqual(input(db, "settings.tier"), "db-custom-4-15360");
      assert.strictEqual(input(db, "settings.availabilityType"), "REGIONAL");
      assert.strictEqual(input(db, "settings.diskSize"), 100);
    });

    it("point-in-time recovery keeps 7 days of write-ahead logs", async () => {
      const db = await instance({ pointInTimeRecovery: true });
      assert.strictEqual(input(db, "settings.backupConfiguration.pointInTimeRecoveryEnabled"), true);
      assert.strictEqual(input(db, "settings.backupConfiguration.transactionLogRetentionDays"), 7);
    });

    it("stores backups in another region or a multi-region, and refuses the instance's own region", async () => {
      const db = await instance({ backupLocation: "us-east1" });
      assert.strictEqual(input(db, "settings.backupConfiguration.location"), "us-east1");
      assert.strictEqual(
        input(await instance({ backupLocation: "us" }), "settings.backupConfiguration.location"),
        "us",
      );
      assert.throws(
        () => resolvePostgresDatabaseArgs("db", args({ backupLocation: "us-central1" })),
        /backupLocation us-central1 is the instance's own region: a regional outage would take the backups too/,
      );
      assert.throws(
        () => resolvePostgresDatabaseArgs("db", args({ backupLocation: "moon" })),
        /backupLocation moon is neither a region \(us-east1\) nor a multi-region/,
      );
    });

    it("the number of retained backups", async () => {
      const db = await instance({ retainedBackups: 30 });
      assert.deepStrictEqual(input(db, "settings.backupConfiguration.backupRetentionSettings"), {
        retainedBackups: 30,
        retentionUnit: "COUNT",
      });
    });

    it("deletion protection can be turned off, in both places", async () => {
      const db = await instance({ deletionProtection: false });
      assert.strictEqual(input(db, "deletionProtection"), false);
      assert.strictEqual(input(db, "settings.deletionProtectionEnabled"), false);
    });

    it("a KMS key encrypts the instance and the password secret's replica", async () => {
      const result = await database({ kmsKeyName: KEY });
      assert.strictEqual(input(one(result, INSTANCE), "encryptionKeyName"), KEY);
      assert.deepStrictEqual(input(one(result, SECRET_TYPE), "replication"), {
        userManaged: { replicas: [{ location: "us-central1", customerManagedEncryption: { kmsKeyName: KEY } }] },
      });
    });

    it("confidential data with a key is labelled confidential", async () => {
      const db = await instance({ classification: "confidential", kmsKeyName: KEY });
      assert.strictEqual(
        (input(db, "settings.userLabels") as Record<string, string>)["data-classification"],
        "confidential",
      );
      assert.strictEqual(input(db, "encryptionKeyName"), KEY);
    });

    it("database and user names", async () => {
      const result = await database({ databaseName: "mlflow", userName: "mlflow_app" });
      assert.strictEqual(input(one(result, DATABASE), "name"), "mlflow");
      assert.strictEqual(input(one(result, USER), "name"), "mlflow_app");
    });

    it("secret accessors get roles/secretmanager.secretAccessor on the password secret", async () => {
      const members = ["serviceAccount:registry@acme-test.iam.gserviceaccount.com", "group:dba@example.com"];
      const result = await database({ secretAccessors: members });
      const accessors = all(result, SECRET_ACCESSOR);
      assert.deepStrictEqual(
        accessors.map((a) => [input(a, "project"), input(a, "secretId"), input(a, "role"), input(a, "member")]),
        [
          ["acme-test", "cnai-test-model-registry-db-password", "roles/secretmanager.secretAccessor", members[0]],
          ["acme-test", "cnai-test-model-registry-db-password", "roles/secretmanager.secretAccessor", members[1]],
        ],
      );
    });

    it("protect guards the instance, the database and the secret", async () => {
      const result = await database({ protect: true });
      for (const type of [INSTANCE, DATABASE, SECRET_TYPE]) {
        assert.strictEqual(one(result, type).options.protect, true, `${type} is protected`);
      }
    });
  });

  describe("validation", () => {
    const cases: Array<[string, Partial<PostgresDatabaseArgs>, RegExp]> = [
      [
        "confidential data without a customer-managed key",
        { classification: "confidential" },
        /confidential data needs a customer-managed key\. Either set kmsKeyName, or classify the data as internal or public/,
      ],
      [
        "a Compute Engine machine type as the tier",
        { tier: "n1-standard-1" },
        /tier: n1-standard-1 is not an Enterprise-edition tier; use db-custom-<vCPUs>-<MiB> \(db-custom-2-7680\), db-g1-small or db-f1-micro/,
      ],
      [
        "an Enterprise Plus tier",
        { tier: "db-perf-optimized-N-4" },
        /tier: db-perf-optimized-N-4 is not an Enterprise-edition tier/,
      ],
      [
        "an odd vCPU count",
        { tier: "db-custom-3-7680" },
        /tier: db-custom-3-7680 has 3 vCPUs; allowed: 1 or an even number up to 96/,
      ],
      [
        "memory outside 0.9-6.5 GiB per vCPU",
        { tier: "db-custom-2-16384" },
        /tier: db-custom-2-16384 has 16384 MiB for 2 vCPUs; allowed: 2048 to 13312 MiB/,
      ],
      [
        "memory not in 256 MiB steps",
        { tier: "db-custom-2-4000" },
        /tier: db-custom-2-4000 has 4000 MiB; memory must be a multiple of 256 MiB/,
      ],
      [
        "a public secret accessor",
        { secretAccessors: ["allUsers"] },
        /secretAccessors: allUsers would make the resource public/,
      ],
      ["a disk under 10 GB", { diskSizeGb: 5 }, /diskSizeGb must be a whole number, at least 10 \(got 5\)/],
      ["no retained backups", { retainedBackups: 0 }, /retainedBackups must be from 1 to 365 \(got 0\)/],
      ["more than 365 retained backups", { retainedBackups: 366 }, /retainedBackups must be from 1 to 365 \(got 366\)/],
      [
        "a database name with upper-case letters",
        { databaseName: "Bad-Name" },
        /databaseName must be a lower-case identifier \(got Bad-Name\)/,
      ],
      [
        "a user name that starts with a digit",
        { userName: "1user" },
        /userName must be a lower-case identifier \(got 1user\)/,
      ],
    ];
    for (const [what, overrides, message] of cases) {
      it(`refuses ${what}, naming the database, and creates nothing`, async () => {
        await assert.rejects(database(overrides), (error: ProgramError) => {
          assert.ok(error instanceof ProgramError, "expected the program to fail");
          assert.match(error.message, /^PostgresDatabase "db": /);
          assert.match(error.message, message);
          for (const type of [INSTANCE, DATABASE, USER, PASSWORD, SECRET_TYPE, SECRET_VERSION]) {
            assert.strictEqual(error.resources.filter((r) => r.type === type).length, 0, `no ${type}`);
          }
          return true;
        });
      });
    }

    it("resolves defaults without creating anything (pure core)", () => {
      assert.deepStrictEqual(resolvePostgresDatabaseArgs("db", args()), {
        databaseName: "registry",
        userName: "registry",
        classification: "internal",
        tier: "db-custom-1-3840",
        highAvailability: false,
        diskSizeGb: 20,
        pointInTimeRecovery: false,
        retainedBackups: 7,
        deletionProtection: true,
      });
    });
  });
});
