import * as assert from "node:assert";
import {
  StorageTransferJob,
  type StorageTransferJobArgs,
  TRANSFER_EVENTS,
} from "../../components/data/storage-transfer-job";
import { rayAlerts, rayDashboard } from "../../components/observability/ray-observability";
import { ProgramError } from "../../scripts/lib/engine";
import { parser } from "../../scripts/lib/promql";
import { input, one, run } from "../helpers/run";

const JOB = "gcp:storage/transferJob:TransferJob";

function args(overrides: Partial<StorageTransferJobArgs> = {}): StorageTransferJobArgs {
  return {
    project: "acme-test",
    description: "ingest",
    source: { http: { listUrl: "https://example.com/urls.tsv" } },
    sink: { bucket: "acme-raw", path: "ingest/open/" },
    schedule: { startDate: "2026-01-05", startTime: "02:30", everyHours: 6 },
    notificationTopic: "projects/acme-test/topics/ingest",
    ...overrides,
  };
}
const transfer = (overrides: Partial<StorageTransferJobArgs> = {}) =>
  run(() => new StorageTransferJob("ingest-open", args(overrides)));

describe("StorageTransferJob", () => {
  it("schedules from the start date and time, repeating every N hours in seconds, and reports every run as JSON", async () => {
    const job = one(await transfer(), JOB);
    assert.deepStrictEqual(input(job, "schedule"), {
      scheduleStartDate: { year: 2026, month: 1, day: 5 },
      startTimeOfDay: { hours: 2, minutes: 30, seconds: 0, nanos: 0 },
      repeatInterval: "21600s",
    });
    assert.deepStrictEqual(input(job, "notificationConfig"), {
      pubsubTopic: "projects/acme-test/topics/ingest",
      eventTypes: TRANSFER_EVENTS,
      payloadFormat: "JSON",
    });
    assert.deepStrictEqual(TRANSFER_EVENTS, [
      "TRANSFER_OPERATION_SUCCESS",
      "TRANSFER_OPERATION_FAILED",
      "TRANSFER_OPERATION_ABORTED",
    ]);
  });

  it("reads an HTTP URL list, another bucket, or S3 through a role ARN, deleting nothing at the source", async () => {
    const http = one(await transfer(), JOB);
    assert.deepStrictEqual(input(http, "transferSpec.httpDataSource"), { listUrl: "https://example.com/urls.tsv" });
    assert.deepStrictEqual(input(http, "transferSpec.gcsDataSink"), { bucketName: "acme-raw", path: "ingest/open/" });
    assert.deepStrictEqual(input(http, "transferSpec.transferOptions"), {
      overwriteObjectsAlreadyExistingInSink: false,
      deleteObjectsFromSourceAfterTransfer: false,
    });
    const gcs = one(await transfer({ source: { gcs: { bucket: "partner", path: "ml/" } } }), JOB);
    assert.deepStrictEqual(input(gcs, "transferSpec.gcsDataSource"), { bucketName: "partner", path: "ml/" });
    const roleArn = "arn:aws:iam::123456789012:role/transfer";
    const s3 = one(await transfer({ source: { s3: { bucket: "partner", roleArn } } }), JOB);
    assert.deepStrictEqual(input(s3, "transferSpec.awsS3DataSource"), { bucketName: "partner", path: "", roleArn });
  });

  for (const [overrides, message] of [
    [
      { schedule: { startDate: "2026-13-01", startTime: "02:00", everyHours: 1 } },
      /startDate 2026-13-01 is not a date/,
    ],
    [{ schedule: { startDate: "2026-01-01", startTime: "24:00", everyHours: 1 } }, /startTime 24:00 is not a time/],
    [
      { schedule: { startDate: "2026-01-01", startTime: "02:00", everyHours: 0 } },
      /everyHours must be a whole number, at least 1/,
    ],
    [{ sink: { bucket: "acme-raw", path: "ingest" } }, /sink\.path ingest must end with '\/'/],
  ] as const) {
    it(`refuses ${message}`, async () => {
      await assert.rejects(transfer(overrides as Partial<StorageTransferJobArgs>), (error: ProgramError) => {
        assert.ok(error instanceof ProgramError);
        assert.match(error.message, /^StorageTransferJob "ingest-open": /);
        assert.match(error.message, message);
        assert.strictEqual(error.resources.filter((r) => r.type === JOB).length, 0);
        return true;
      });
    });
  }
});

describe("Ray alerts and dashboard", () => {
  const errors = (expr: string) => {
    const found: number[] = [];
    parser.parse(expr).iterate({
      enter(node) {
        if (node.type.isError) found.push(node.from);
      },
    });
    return found;
  };

  it("the PromQL check rejects a broken expression", () =>
    assert.notDeepStrictEqual(errors("sum by (x (ray_tasks)"), []));

  it("alerts on failed RayJobs, autoscaler pending nodes and object-store spilling, with PromQL that parses", () => {
    const alerts = rayAlerts();
    assert.deepStrictEqual(
      alerts.map((a) => a.name),
      ["RayJobFailed", "RayAutoscalerPendingNodes", "RayObjectStoreSpilling"],
    );
    for (const a of alerts) assert.deepStrictEqual(errors(a.expr), [], a.expr);
    assert.match(alerts[0].expr, /kuberay_job_deployment_status\{deployment_status="Failed"\}/);
    assert.match(alerts[1].expr, /autoscaler_pending_nodes/);
    assert.match(alerts[2].expr, /ray_object_store_memory\{Location="SPILLED"\}/);
  });

  it("dashboard queries parse", () => {
    const exprs = rayDashboard().panels.flatMap((p) => p.queries.map((q) => q.expr));
    assert.ok(exprs.length >= 4);
    for (const e of exprs) assert.deepStrictEqual(errors(e), [], e);
  });
});
