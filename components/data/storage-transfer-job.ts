import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";

/** Where a transfer reads from. */
export type TransferSource =
  | { gcs: { bucket: pulumi.Input<string>; path?: string } }
  | { s3: { bucket: string; path?: string; roleArn: string } }
  | { http: { listUrl: string } };

export interface StorageTransferJobArgs {
  project: string;
  description: string;
  source: TransferSource;
  sink: { bucket: pulumi.Input<string>; path: string };
  /** First run (UTC date and time) and hours between runs. */
  schedule: { startDate: string; startTime: string; everyHours: number };
  /** `projects/<project>/topics/<topic>`: completion and failure notifications (JSON). */
  notificationTopic: pulumi.Input<string>;
}

/** The events a transfer publishes (Storage Transfer Service NotificationConfig.EventType). */
export const TRANSFER_EVENTS = [
  "TRANSFER_OPERATION_SUCCESS",
  "TRANSFER_OPERATION_FAILED",
  "TRANSFER_OPERATION_ABORTED",
];

/**
 * A scheduled Storage Transfer Service job into a Cloud Storage folder: from another bucket, from
 * S3 through a federated role (no stored keys), or from a TSV URL list over HTTPS; nothing deleted
 * at the source, nothing overwritten at the sink, and every run's outcome published as JSON to
 * the topic. Facts: Storage Transfer Service REST v1 TransferJob (transferSpec, schedule with
 * repeatInterval in seconds, notificationConfig {pubsubTopic, eventTypes, payloadFormat});
 * terraform-provider-google google_storage_transfer_job. The project's transfer service agent
 * needs read on the source, write on the sink bucket and publish on the topic: the caller grants them.
 */
export class StorageTransferJob extends pulumi.ComponentResource {
  public readonly job: gcp.storage.TransferJob;

  constructor(name: string, args: StorageTransferJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:data:StorageTransferJob", name, {}, opts);
    const spec = resolveStorageTransferJobArgs(name, args, this);
    const source =
      "gcs" in args.source
        ? { gcsDataSource: { bucketName: args.source.gcs.bucket, path: args.source.gcs.path ?? "" } }
        : "s3" in args.source
          ? {
              awsS3DataSource: {
                bucketName: args.source.s3.bucket,
                path: args.source.s3.path ?? "",
                roleArn: args.source.s3.roleArn,
              },
            }
          : { httpDataSource: { listUrl: args.source.http.listUrl } };
    this.job = new gcp.storage.TransferJob(
      name,
      {
        project: args.project,
        description: args.description,
        status: "ENABLED",
        transferSpec: {
          ...source,
          gcsDataSink: { bucketName: args.sink.bucket, path: args.sink.path },
          transferOptions: {
            overwriteObjectsAlreadyExistingInSink: false,
            deleteObjectsFromSourceAfterTransfer: false,
          },
        },
        schedule: {
          scheduleStartDate: spec.date,
          startTimeOfDay: { ...spec.time, seconds: 0, nanos: 0 },
          repeatInterval: `${args.schedule.everyHours * 3600}s`,
        },
        notificationConfig: { pubsubTopic: args.notificationTopic, eventTypes: TRANSFER_EVENTS, payloadFormat: "JSON" },
      },
      childOptions(this, opts),
    );
    this.registerOutputs({ name: this.job.name });
  }
}

/** Checks the args; throws a ResourceError. Pure. */
export function resolveStorageTransferJobArgs(name: string, args: StorageTransferJobArgs, resource?: pulumi.Resource) {
  const fail = argumentError("StorageTransferJob", name, resource);
  // The API caps a description at 1024 bytes (TransferJob.description).
  if (args.description.length > 1024) fail(`description is ${args.description.length} characters; at most 1024`);
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(args.schedule.startDate);
  if (!date || Number(date[2]) < 1 || Number(date[2]) > 12 || Number(date[3]) < 1 || Number(date[3]) > 31)
    fail(`schedule.startDate ${args.schedule.startDate} is not a date YYYY-MM-DD`);
  const time = /^(\d{2}):(\d{2})$/.exec(args.schedule.startTime);
  if (!time || Number(time[1]) > 23 || Number(time[2]) > 59)
    fail(`schedule.startTime ${args.schedule.startTime} is not a time HH:MM`);
  // Storage Transfer Service refuses a repeat interval under one hour (Schedule.repeatInterval).
  if (!Number.isInteger(args.schedule.everyHours) || args.schedule.everyHours < 1)
    fail(`schedule.everyHours must be a whole number, at least 1 (got ${args.schedule.everyHours})`);
  if (args.sink.path && !args.sink.path.endsWith("/")) fail(`sink.path ${args.sink.path} must end with '/'`);
  return {
    date: { year: Number(date![1]), month: Number(date![2]), day: Number(date![3]) },
    time: { hours: Number(time![1]), minutes: Number(time![2]) },
  };
}
