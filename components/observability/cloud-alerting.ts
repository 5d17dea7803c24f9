import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { memberKey } from "../iam";
import { governanceLabels, type StackLabels } from "../labels";
import { type AlertRule, alertKey, durationSeconds } from "./alerts";

export interface CloudAlertingArgs {
  project: string;
  labels: StackLabels;
  /** Alerts that page, as Cloud Monitoring PromQL alert policies. */
  alerts: AlertRule[];
  /** E-mail addresses to notify (one notification channel each). @default [] */
  emails?: string[];
  /** Notification channels that exist already (`projects/<p>/notificationChannels/<id>`). @default [] */
  channelIds?: string[];
  /** Alert on changes to IAM policies in the project. @default true */
  iamPolicyChanges?: boolean;
}

/** Log entries of an IAM policy change in the project (Cloud Audit Logs, Admin Activity). */
const IAM_CHANGE_KEY = "iam-policy-change";

export const IAM_CHANGE_FILTER =
  'protoPayload.methodName=("SetIamPolicy" OR "google.iam.admin.v1.SetIAMPolicy") AND logName:"cloudaudit.googleapis.com%2Factivity"';

/**
 * Cloud Monitoring alerting: notification channels from config, a PromQL alert policy for each
 * paging alert (with its runbook as documentation), and an alert on IAM policy changes.
 */
export class CloudAlerting extends pulumi.ComponentResource {
  /** The notification channels, for other alerts and the budget. */
  public readonly channels: pulumi.Output<string>[];

  constructor(name: string, args: CloudAlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:observability:CloudAlerting", name, {}, opts);
    const fail = argumentError("CloudAlerting", name, this);
    for (const email of args.emails ?? [])
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) fail(`emails: "${email}" is not an e-mail address`);
    for (const id of args.channelIds ?? [])
      if (!/^projects\/[^/]+\/notificationChannels\/\d+$/.test(id))
        fail(`channelIds: "${id}" is not projects/<project>/notificationChannels/<id>`);
    const keys = args.alerts.map(alertKey);
    const repeated = keys.filter((key, i) => keys.indexOf(key) !== i);
    if (repeated.length)
      fail(`alerts: ${[...new Set(repeated)].join(", ")} given more than once (name and scope must be unique)`);
    if (keys.includes(IAM_CHANGE_KEY))
      fail(`alerts: "${IAM_CHANGE_KEY}" is the name of the built-in IAM policy alert; name the alert otherwise`);
    const labels = governanceLabels(args.labels, "cloud-alerting");

    const created = (args.emails ?? []).map(
      (email) =>
        new gcp.monitoring.NotificationChannel(
          `${name}-email-${memberKey(email)}`,
          {
            project: args.project,
            type: "email",
            displayName: `cnai ${args.labels.env}: ${email}`,
            labels: { email_address: email },
            userLabels: labels,
          },
          childOptions(this, opts),
        ).id,
    );
    this.channels = [...created, ...(args.channelIds ?? []).map((id) => pulumi.output(id))];

    for (const alert of args.alerts) {
      new gcp.monitoring.AlertPolicy(
        `${name}-${alertKey(alert)}`,
        {
          project: args.project,
          displayName: `cnai ${args.labels.env}: ${alert.name}${alert.scope ? ` (${alert.scope})` : ""}`,
          combiner: "OR",
          severity: alert.severity === "critical" ? "CRITICAL" : "WARNING",
          conditions: [
            {
              displayName: alert.summary.slice(0, 100),
              conditionPrometheusQueryLanguage: {
                query: alert.expr,
                duration: `${durationSeconds(alert.for)}s`,
                evaluationInterval: "60s",
                alertRule: alert.name,
                ruleGroup: "cnai-platform",
                labels: { severity: alert.severity },
              },
            },
          ],
          documentation: {
            mimeType: "text/markdown",
            subject: `${alert.name}${alert.scope ? ` ${alert.scope}` : ""} (${args.labels.env})`,
            content: `${alert.summary}\n\n**Runbook.** ${alert.runbook}`,
          },
          notificationChannels: this.channels,
          userLabels: labels,
        },
        childOptions(this, opts),
      );
    }

    if (args.iamPolicyChanges ?? true) {
      new gcp.monitoring.AlertPolicy(
        `${name}-${IAM_CHANGE_KEY}`,
        {
          project: args.project,
          displayName: `cnai ${args.labels.env}: IAM policy changed`,
          combiner: "OR",
          severity: "WARNING",
          conditions: [{ displayName: "An IAM policy was set", conditionMatchedLog: { filter: IAM_CHANGE_FILTER } }],
          alertStrategy: { notificationRateLimit: { period: "300s" }, autoClose: "1800s" },
          documentation: {
            mimeType: "text/markdown",
            content:
              "Someone changed an IAM policy in the project. **Runbook.** Check the log entry's principal and the binding added; IAM is managed by Pulumi here, so an out-of-band change is either an incident or drift to fold back into code.",
          },
          notificationChannels: this.channels,
          userLabels: labels,
        },
        childOptions(this, opts),
      );
    }
    this.registerOutputs({ channels: this.channels });
  }
}
