import * as assert from "node:assert";
import {
  DataBucket,
  type DataBucketArgs,
  PURPOSE_DEFAULTS,
  resolveDataBucketArgs,
} from "../../components/data/data-bucket";
import { MlStorage } from "../../components/data/ml-storage";
import type { ProgramError } from "../../scripts/lib/engine";
import { all, input, one, run, STACK_LABELS } from "../helpers/run";

const BUCKET = "gcp:storage/bucket:Bucket";
const MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember";
const KEY = "projects/acme-test/locations/us-central1/keyRings/r/cryptoKeys/k";

const args = (overrides: Partial<DataBucketArgs> = {}): DataBucketArgs => ({
  project: "acme-test",
  location: "us-central1",
  prefix: "cnai-test",
  labels: STACK_LABELS,
  purpose: "datasets-raw",
  ...overrides,
});

async function bucket(overrides: Partial<DataBucketArgs> = {}) {
  return run(() => new DataBucket("b", args(overrides)));
}

describe("DataBucket", () => {
  describe("defaults", () => {
    it("is a regional STANDARD bucket named <project>-<prefix>-<purpose> with uniform access and public access prevention enforced", async () => {
      const b = one(await bucket(), BUCKET);
      assert.deepStrictEqual(
        [
          input(b, "name"),
          input(b, "location"),
          input(b, "storageClass"),
          input(b, "uniformBucketLevelAccess"),
          input(b, "publicAccessPrevention"),
        ],
        ["acme-test-cnai-test-datasets-raw", "us-central1", "STANDARD", true, "enforced"],
      );
    });

    it("keeps deleted objects 7 days (soft delete), has no retention policy, no CMEK, no force destroy, is not protected", async () => {
      const b = one(await bucket(), BUCKET);
      assert.deepStrictEqual(input(b, "softDeletePolicy"), { retentionDurationSeconds: 604800 });
      assert.strictEqual(input(b, "retentionPolicy"), undefined);
      assert.strictEqual(input(b, "encryption"), undefined);
      assert.strictEqual(input(b, "forceDestroy"), false);
      assert.strictEqual(b.options.protect, false);
    });

    it("labels the bucket with the governance set, its data classification (internal) and its purpose", async () => {
      assert.deepStrictEqual(input(one(await bucket(), BUCKET), "labels"), {
        env: "test",
        team: "ml-platform",
        "cost-center": "cc-1",
        "managed-by": "pulumi",
        component: "data-bucket",
        "data-classification": "internal",
        purpose: "datasets-raw",
      });
    });

    it("versions raw data, sends it to Nearline at 30 and Coldline at 90 days, prunes old versions, aborts stale uploads", async () => {
      const b = one(await bucket(), BUCKET);
      assert.deepStrictEqual(input(b, "versioning"), { enabled: true });
      assert.deepStrictEqual(input(b, "lifecycleRules"), [
        {
          action: { type: "SetStorageClass", storageClass: "NEARLINE" },
          condition: { age: 30, matchesStorageClasses: ["STANDARD"] },
        },
        {
          action: { type: "SetStorageClass", storageClass: "COLDLINE" },
          condition: { age: 90, matchesStorageClasses: ["STANDARD", "NEARLINE"] },
        },
        { action: { type: "Delete" }, condition: { numNewerVersions: 3, withState: "ARCHIVED" } },
        { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: 30, withState: "ARCHIVED" } },
        { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 1 } },
      ]);
    });

    it("keeps checkpoints unversioned and deletes them after 30 days", async () => {
      const b = one(await bucket({ purpose: "checkpoints" }), BUCKET);
      assert.deepStrictEqual(input(b, "versioning"), { enabled: false });
      assert.deepStrictEqual(input(b, "lifecycleRules"), [
        { action: { type: "Delete" }, condition: { age: 30 } },
        { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 1 } },
      ]);
    });

    it("versions models and curated data, keeping 10 and 5 noncurrent versions", () => {
      assert.deepStrictEqual(PURPOSE_DEFAULTS.models, {
        versioning: true,
        lifecycle: { noncurrentVersions: { keep: 10, deleteAfterDays: 90 } },
      });
      assert.deepStrictEqual(PURPOSE_DEFAULTS["datasets-curated"], {
        versioning: true,
        lifecycle: { noncurrentVersions: { keep: 5, deleteAfterDays: 30 } },
      });
    });

    it("grants nobody anything by default", async () => {
      assert.strictEqual(all(await bucket(), MEMBER).length, 0);
    });
  });

  describe("options", () => {
    it("confidential data with a customer-managed key", async () => {
      const b = one(await bucket({ classification: "confidential", kmsKeyName: KEY }), BUCKET);
      assert.deepStrictEqual(input(b, "encryption"), { defaultKmsKeyName: KEY });
      assert.strictEqual((input(b, "labels") as Record<string, string>)["data-classification"], "confidential");
    });

    it("retention policy, soft delete length or off, force destroy, protection", async () => {
      const b = one(
        await bucket({ retentionDays: 365, softDeleteDays: 30, forceDestroy: true, protect: true }),
        BUCKET,
      );
      assert.deepStrictEqual(input(b, "retentionPolicy"), { retentionPeriod: "31536000", isLocked: false });
      assert.deepStrictEqual(input(b, "softDeletePolicy"), { retentionDurationSeconds: 2592000 });
      assert.strictEqual(input(b, "forceDestroy"), true);
      assert.strictEqual(b.options.protect, true);
      assert.deepStrictEqual(input(one(await bucket({ softDeleteDays: 0 }), BUCKET), "softDeletePolicy"), {
        retentionDurationSeconds: 0,
      });
    });

    it("protects raw data with a retention policy instead of versioning when retentionDays is set (Cloud Storage refuses both on one bucket)", async () => {
      const b = one(await bucket({ retentionDays: 30 }), BUCKET);
      assert.deepStrictEqual(input(b, "retentionPolicy"), { retentionPeriod: "2592000", isLocked: false });
      assert.deepStrictEqual(input(b, "versioning"), { enabled: false });
      assert.ok(
        !(input(b, "lifecycleRules") as Array<{ condition: Record<string, unknown> }>).some(
          (r) => "numNewerVersions" in r.condition || "daysSinceNoncurrentTime" in r.condition,
        ),
        "no old versions to expire",
      );
    });

    it("lifecycle and versioning can be set", async () => {
      const b = one(
        await bucket({ purpose: "models", versioning: false, lifecycle: { deleteAfterDays: 400 } }),
        BUCKET,
      );
      assert.deepStrictEqual(input(b, "versioning"), { enabled: false });
      // Object Lifecycle Management (https://cloud.google.com/storage/docs/lifecycle): a Delete action with an age
      // condition in days, and the AbortIncompleteMultipartUpload action every bucket gets (age 1 day).
      assert.deepStrictEqual(input(b, "lifecycleRules"), [
        { action: { type: "Delete" }, condition: { age: 400 } },
        { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 1 } },
      ]);
    });

    it("grants object viewer, user and creator roles on the bucket only", async () => {
      const result = await bucket({
        readers: ["serviceAccount:r@x.iam.gserviceaccount.com"],
        writers: ["serviceAccount:w@x.iam.gserviceaccount.com"],
        creators: ["serviceAccount:c@x.iam.gserviceaccount.com"],
      });
      assert.deepStrictEqual(
        all(result, MEMBER).map((m) => [input(m, "bucket"), input(m, "role"), input(m, "member")]),
        [
          [
            "acme-test-cnai-test-datasets-raw",
            "roles/storage.objectViewer",
            "serviceAccount:r@x.iam.gserviceaccount.com",
          ],
          [
            "acme-test-cnai-test-datasets-raw",
            "roles/storage.objectUser",
            "serviceAccount:w@x.iam.gserviceaccount.com",
          ],
          [
            "acme-test-cnai-test-datasets-raw",
            "roles/storage.objectCreator",
            "serviceAccount:c@x.iam.gserviceaccount.com",
          ],
        ],
      );
    });
  });

  describe("validation", () => {
    const cases: Array<[string, Partial<DataBucketArgs>, RegExp]> = [
      [
        "confidential data without a key",
        { classification: "confidential" },
        /confidential data needs a customer-managed key\. Either set kmsKeyName, or classify the data as internal or public/,
      ],
      [
        "restricted data without a key",
        { classification: "restricted" },
        /restricted data needs a customer-managed key/,
      ],
      ["soft delete between 0 and 7 days", { softDeleteDays: 3 }, /softDeleteDays must be 0 or from 7 to 90 \(got 3\)/],
      [
        "Coldline before Nearline",
        { lifecycle: { nearlineAfterDays: 60, coldlineAfterDays: 30 } },
        /coldlineAfterDays \(30\) must come after nearlineAfterDays \(60\)/,
      ],
      [
        "noncurrent rules without versioning",
        { versioning: false, lifecycle: { noncurrentVersions: { keep: 3, deleteAfterDays: 30 } } },
        /noncurrentVersions needs versioning/,
      ],
      [
        "a retention policy with object versioning (Cloud Storage Bucket Lock: one or the other)",
        { retentionDays: 30, versioning: true },
        /versioning true and retentionDays 30: a retention policy together with Object Versioning, which Cloud Storage refuses on one bucket\. Either keep the retention policy/,
      ],
      [
        "fractional days",
        { retentionDays: 1.5 },
        /retentionDays must be a whole number of days, at least 1 \(got 1\.5\)/,
      ],
    ];
    for (const [what, overrides, message] of cases) {
      it(`refuses ${what} and creates no bucket`, async () => {
        await assert.rejects(bucket(overrides), (error: ProgramError) => {
          assert.match(error.message, /^DataBucket "b": /);
          assert.match(error.message, message);
          assert.strictEqual(error.resources.filter((r) => r.type === BUCKET).length, 0);
          return true;
        });
      });
    }

    it("resolves defaults without creating anything", () => {
      assert.deepStrictEqual(resolveDataBucketArgs("b", args({ purpose: "checkpoints" })), {
        classification: "internal",
        versioning: false,
        lifecycle: { deleteAfterDays: 30 },
        softDeleteDays: 7,
      });
    });
  });
});

describe("MlStorage", () => {
  it("creates the raw, curated, models and checkpoints buckets, internal and Google-managed by default", async () => {
    const result = await run(
      () =>
        new MlStorage("storage", {
          project: "acme-test",
          location: "us-central1",
          prefix: "cnai-test",
          labels: STACK_LABELS,
        }),
    );
    const buckets = all(result, BUCKET);
    assert.deepStrictEqual(buckets.map((b) => (input(b, "labels") as Record<string, string>).purpose).sort(), [
      "checkpoints",
      "datasets-curated",
      "datasets-raw",
      "models",
    ]);
    assert.ok(
      buckets.every(
        (b) =>
          input(b, "encryption") === undefined &&
          (input(b, "labels") as Record<string, string>)["data-classification"] === "internal",
      ),
    );
  });

  it("encrypts confidential buckets always and every bucket with encryptAll; passes access, lifecycle, retention and protection through", async () => {
    const common = {
      project: "acme-test",
      location: "us-central1",
      prefix: "cnai-test",
      labels: STACK_LABELS,
      kmsKeyName: KEY,
    };
    const some = await run(
      () =>
        new MlStorage("storage", {
          ...common,
          classifications: { "datasets-raw": "confidential" },
          rawRetentionDays: 30,
        }),
    );
    const encryption = Object.fromEntries(all(some, BUCKET).map((b) => [b.name, input(b, "encryption")]));
    assert.deepStrictEqual(encryption, {
      "storage-datasets-raw": { defaultKmsKeyName: KEY },
      "storage-datasets-curated": undefined,
      "storage-models": undefined,
      "storage-checkpoints": undefined,
    });
    assert.deepStrictEqual(input(one(some, BUCKET, "storage-datasets-raw"), "retentionPolicy"), {
      retentionPeriod: "2592000",
      isLocked: false,
    });
    assert.deepStrictEqual(
      input(one(some, BUCKET, "storage-datasets-raw"), "versioning"),
      { enabled: false },
      "retention replaces versioning on raw data",
    );
    await assert.rejects(
      run(() => new MlStorage("storage", { ...common, rawRetentionDays: 30, versioning: { "datasets-raw": true } })),
      /DataBucket "storage-datasets-raw": versioning true and retentionDays 30/,
    );
    assert.strictEqual(
      input(one(some, BUCKET, "storage-models"), "retentionPolicy"),
      undefined,
      "retention applies to raw data only",
    );
    const everything = await run(
      () =>
        new MlStorage("storage", {
          ...common,
          encryptAll: true,
          protect: true,
          forceDestroy: false,
          lifecycle: { checkpoints: { deleteAfterDays: 7 } },
          access: { models: { readers: ["serviceAccount:serving@x.iam.gserviceaccount.com"] } },
        }),
    );
    assert.ok(
      all(everything, BUCKET).every(
        (b) => (input(b, "encryption") as { defaultKmsKeyName: string }).defaultKmsKeyName === KEY && b.options.protect,
      ),
    );
    assert.deepStrictEqual(input(one(everything, BUCKET, "storage-checkpoints"), "lifecycleRules.0"), {
      action: { type: "Delete" },
      condition: { age: 7 },
    });
    assert.deepStrictEqual(
      all(everything, MEMBER).map((m) => [input(m, "bucket"), input(m, "role")]),
      [["acme-test-cnai-test-models", "roles/storage.objectViewer"]],
    );
  });
});

describe("MlStorage models placement", () => {
  const common = { project: "acme-test", location: "us-central1", prefix: "cnai-test", labels: STACK_LABELS };
  const MODELS_KEY = "projects/acme-test/locations/nam4/keyRings/m/cryptoKeys/k";

  it("puts the models bucket in a predefined dual-region with turbo replication and its own key; the others stay regional", async () => {
    const result = await run(
      () =>
        new MlStorage("storage", {
          ...common,
          kmsKeyName: KEY,
          encryptAll: true,
          modelsPlacement: { location: "NAM4", rpo: "ASYNC_TURBO" },
          modelsKmsKeyName: MODELS_KEY,
        }),
    );
    const models = one(result, BUCKET, "storage-models");
    assert.deepStrictEqual(
      [
        input(models, "location"),
        input(models, "rpo"),
        input(models, "customPlacementConfig"),
        input(models, "encryption"),
      ],
      ["NAM4", "ASYNC_TURBO", undefined, { defaultKmsKeyName: MODELS_KEY }],
    );
    const raw = one(result, BUCKET, "storage-datasets-raw");
    assert.deepStrictEqual(
      [input(raw, "location"), input(raw, "rpo"), input(raw, "encryption")],
      ["us-central1", undefined, { defaultKmsKeyName: KEY }],
    );
  });

  it("sends a configurable dual-region as the multi-region with two data locations", async () => {
    const result = await run(
      () =>
        new MlStorage("storage", {
          ...common,
          modelsPlacement: { location: "US", dataLocations: ["US-CENTRAL1", "US-EAST4"], rpo: "ASYNC_TURBO" },
        }),
    );
    const models = one(result, BUCKET, "storage-models");
    assert.deepStrictEqual(
      [input(models, "location"), input(models, "customPlacementConfig"), input(models, "rpo")],
      ["US", { dataLocations: ["US-CENTRAL1", "US-EAST4"] }, "ASYNC_TURBO"],
    );
  });

  it("refuses turbo replication on a region (Cloud Storage: dual-regions only) and creates no bucket", async () => {
    await assert.rejects(
      run(
        () =>
          new DataBucket("b", args({ purpose: "models", placement: { location: "US-CENTRAL1", rpo: "ASYNC_TURBO" } })),
      ),
      (error: ProgramError) => {
        assert.match(
          error.message,
          /^DataBucket "b": placement: rpo ASYNC_TURBO on a bucket in US-CENTRAL1, which is not a dual-region/,
        );
        assert.strictEqual(error.resources.filter((r) => r.type === BUCKET).length, 0);
        return true;
      },
    );
  });
});
