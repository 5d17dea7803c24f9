import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { main } from "../../scripts/plan";
import { assertRefused } from "../helpers/config";
import { captureOutput, ROOT } from "../helpers/run";

/**
 * Bad Ray and data movement settings through the real `plan` command: exit 2, one line naming the
 * stack file, the key, the value and what is allowed, no plan written. And the good ones plan.
 */
type Config = Record<string, unknown>;

const GOOD: Config = {
  "gcp:project": "acme-ml-dev",
  "gcp:region": "us-central1",
  "cnai-platform:team": "ml-platform",
  "cnai-platform:costCenter": "cc-ml-1001",
  "cnai-platform:zones": ["us-central1-a"],
  "cnai-platform:observability": { budget: { billingAccount: "01A2B3-C4D5E6-F7A8B9", monthlyUsd: 1000 } },
  "cnai-platform:artifactRegistry": { remoteCaches: true },
  "cnai-platform:gpuPools": [
    {
      name: "train",
      machineType: "g2-standard-24",
      accelerator: { type: "nvidia-l4" },
      autoscaling: { max: 2 },
      workloadType: "training",
    },
  ],
  "cnai-platform:teams": [{ name: "vision", quota: { gpus: 2, cpu: 64, memoryGi: 256 } }],
};

const SCHEDULE = { startDate: "2026-01-05", startTime: "02:00", everyHours: 24 };
const promotion = (classification: string) => ({
  source: { stack: "prod", bucket: "acme-ml-prod-cnai-prod-datasets-curated", classification },
  schedule: SCHEDULE,
});

const CASES: Array<{ what: string; config: Config; expect: RegExp }> = [
  {
    what: "a GPU worker group above the team's GPU quota",
    config: {
      "cnai-platform:ray": { clusters: [{ team: "vision", gpuWorkers: { pool: "train", gpusPerWorker: 2, max: 2 } }] },
    },
    expect:
      /cnai-platform:ray\.clusters\[0\]\.gpuWorkers\.max: got 2; allowed: a size within team vision's quota: the Ray cluster at its maximum needs gpus 4 > teams\[\]\.quota\.gpus 2; raise the quota or lower the maximum/,
  },
  {
    what: "CPU workers above the team's CPU quota",
    config: { "cnai-platform:ray": { clusters: [{ team: "vision", cpuWorkers: { cpu: 16, max: 8 } }] } },
    expect:
      /cnai-platform:ray\.clusters\[0\]\.cpuWorkers\.max: got 8; allowed: a size within team vision's quota: the Ray cluster at its maximum needs cpu 131\.?\d* > teams\[\]\.quota\.cpu 64/,
  },
  {
    what: "a Ray cluster for a team the stack does not have",
    config: { "cnai-platform:ray": { clusters: [{ team: "nlp" }] } },
    expect: /cnai-platform:ray\.clusters\[0\]\.team: got "nlp"; allowed: one of the stack's teams: vision/,
  },
  {
    what: "Ray without the Docker Hub remote repository",
    config: {
      "cnai-platform:artifactRegistry": { remoteCaches: false },
      "cnai-platform:ray": { clusters: [{ team: "vision" }] },
    },
    expect: /cnai-platform:artifactRegistry\.remoteCaches: got false; allowed: true while ray\.clusters is not empty/,
  },
  {
    what: "promotion of restricted data without an exemption",
    config: {
      "cnai-platform:storage": {
        classifications: {
          datasetsRaw: "restricted",
          datasetsCurated: "restricted",
          models: "internal",
          checkpoints: "internal",
        },
      },
      "cnai-platform:transfers": { promotion: promotion("restricted") },
    },
    expect:
      /cnai-platform:transfers\.promotion\.source\.classification: got "restricted"; allowed: a classification this environment may receive \(public, internal\), or a named exemption for restricted in transfers\.exemptions with its reason/,
  },
  {
    what: "confidential listed as allowed without an exemption",
    config: { "cnai-platform:transfers": { allowedClassifications: ["public", "confidential"] } },
    expect:
      /cnai-platform:transfers\.allowedClassifications\[1\]: got "confidential"; allowed: public or internal: confidential data moves only with a named exemption/,
  },
  {
    what: "promotion into a curated bucket classified below the data",
    config: {
      "cnai-platform:transfers": {
        promotion: promotion("confidential"),
        exemptions: [
          {
            name: "eval-parity",
            classification: "confidential",
            reason: "release candidates are evaluated on production data",
          },
        ],
      },
    },
    expect:
      /cnai-platform:transfers\.promotion\.source\.classification: got "confidential"; allowed: at most this stack's curated bucket's classification \(storage\.classifications\.datasetsCurated: internal\)/,
  },
  {
    what: "an exemption without a real reason",
    config: {
      "cnai-platform:transfers": { exemptions: [{ name: "x-ok", classification: "restricted", reason: "ok" }] },
    },
    expect: /cnai-platform:transfers\.exemptions\[0\]\.reason: got "ok"; allowed: a string of at least 20 characters/,
  },
  {
    what: "a transfer with two sources",
    config: {
      "cnai-platform:transfers": {
        ingest: [
          {
            name: "both",
            source: {
              gcs: { bucket: "partner-landing", classification: "internal" },
              http: { listUrl: "https://example.com/list.tsv" },
            },
            schedule: SCHEDULE,
          },
        ],
      },
    },
    expect: /cnai-platform:transfers\.ingest\[0\]\.source: got .*; allowed: exactly one source: gcs, s3 or http/,
  },
  {
    what: "a transfer source of an unknown kind",
    config: {
      "cnai-platform:transfers": {
        ingest: [{ name: "ftp", source: { ftp: { host: "files.example.com" } }, schedule: SCHEDULE }],
      },
    },
    expect: /cnai-platform:transfers\.ingest\[0\]\.source\.ftp: unknown key; allowed: one of gcs, s3, http/,
  },
  {
    what: "an S3 source with a malformed role ARN",
    config: {
      "cnai-platform:transfers": {
        ingest: [{ name: "s3", source: { s3: { bucket: "partner", roleArn: "role/partner" } }, schedule: SCHEDULE }],
      },
    },
    expect: /cnai-platform:transfers\.ingest\[0\]\.source/,
  },
];

describe("bad Ray and data movement configuration", () => {
  let project: string;
  before(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-bad-ray-"));
    fs.mkdirSync(path.join(project, "stacks"));
    // The good case plans through the policy packs: they read the stack's policy config.
    fs.cpSync(path.join(ROOT, "policies", "config"), path.join(project, "policies", "config"), { recursive: true });
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      stringify({
        name: "cnai-platform",
        runtime: "nodejs",
        main: path.join(ROOT, "stacks", "index.ts"),
        stackConfigDir: "stacks",
      }),
    );
  });
  after(() => fs.rmSync(project, { recursive: true, force: true }));

  const plan = async (config: Config) => {
    const file = path.join(project, "stacks", "Pulumi.dev.yaml");
    fs.writeFileSync(file, stringify({ config: { ...GOOD, ...config } }));
    const out = path.join(project, "out", "dev");
    fs.rmSync(out, { recursive: true, force: true });
    const captured = await captureOutput(() => main(["--stack", "dev", "--root", project, "--out", out]));
    return { ...captured, planned: fs.existsSync(path.join(out, "plan.json")) };
  };

  for (const c of CASES) {
    it(`${c.what}: exit 2 naming the file, key, value and what is allowed`, async () => {
      assertRefused(await plan(c.config), "dev", c.expect);
    });
  }

  it("plans a confidential promotion with a named exemption into a confidential curated bucket", async () => {
    const { result, stderr, planned } = await plan({
      "cnai-platform:storage": {
        classifications: {
          datasetsRaw: "confidential",
          datasetsCurated: "confidential",
          models: "internal",
          checkpoints: "internal",
        },
      },
      "cnai-platform:transfers": {
        promotion: promotion("confidential"),
        exemptions: [
          {
            name: "eval-parity",
            classification: "confidential",
            reason: "release candidates are evaluated on production data",
          },
        ],
      },
    });
    assert.ok(result === 0 || result === 1, `exit status (stderr: ${stderr})`);
    assert.ok(planned);
  });
});
