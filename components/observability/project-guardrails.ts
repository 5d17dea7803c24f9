import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";

export interface ProjectGuardrailsArgs {
  project: string;
  projectNumber: pulumi.Input<string>;
  /** Billing account of the project (`012345-6789AB-CDEF01`). */
  billingAccount: string;
  /** Monthly budget for the project, USD. */
  monthlyBudgetUsd: number;
  /** Shares of the budget that notify. @default [0.5, 0.9, 1.0] (and 1.0 of the forecast) */
  thresholds?: number[];
  /** Where budget alerts go, besides the billing account's admins. @default [] */
  notificationChannels?: pulumi.Input<string>[];
  /** Days the `_Default` log bucket keeps logs. @default 30 */
  logRetentionDays?: number;
  /** Services whose Data Access audit logs (reads and writes of data) are turned on. @default [] */
  dataAccessLogServices?: string[];
  /**
   * The project whose quota the Billing Budget API calls count against. Under user credentials the
   * API refuses calls without one (403); the budget gets a provider with `billingProject` and
   * `userProjectOverride` (terraform-provider-google v7.45.0 website/docs/r/billing_budget.html.markdown:
   * "If you are using User ADCs ... you must specify a billing_project and set user_project_override
   * to true"). billingbudgets.googleapis.com must be enabled there.
   * @default project
   */
  quotaProject?: string;
  /** Only this stack's labelled costs count (the budget API takes one label). @default none */
  costLabel?: { key: string; value: string };
  /**
   * The stack's `gcp:*` settings (`gcp:credentials`, `gcp:impersonateServiceAccount`,
   * `gcp:accessToken`, ...; values as the Pulumi config holds them, objects as JSON text), for the
   * budget's own provider. An explicit provider reads no stack config (Pulumi "Provider
   * configuration": explicit providers take only their arguments), so without them the budget would
   * be created by another identity than the rest of the stack, or refused. `project`,
   * `billingProject` and `userProjectOverride` are the guardrails' own.
   * @default {} (the ambient credentials)
   */
  providerSettings?: Readonly<Record<string, string>>;
}

/** Provider settings the provider marks sensitive (terraform-provider-google provider schema: credentials, access_token). */
const SECRET_PROVIDER_SETTINGS = ["credentials", "accessToken"];

/**
 * The budget provider's arguments: the stack's `gcp:*` settings (config strings; JSON objects,
 * lists and booleans parsed), with the quota project the Budget API calls count against.
 */
export function budgetProviderArgs(
  quotaProject: string,
  settings: Readonly<Record<string, string>> = {},
): gcp.ProviderArgs {
  const args: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(settings)) {
    const name = key.startsWith("gcp:") ? key.slice(4) : key;
    if (["project", "billingProject", "userProjectOverride"].includes(name)) continue;
    let value: unknown = text;
    if (/^\s*[[{]/.test(text) || text === "true" || text === "false") {
      try {
        value = JSON.parse(text);
      } catch {
        value = text;
      }
    }
    args[name] = SECRET_PROVIDER_SETTINGS.includes(name) ? pulumi.secret(value) : value;
  }
  return { ...args, project: quotaProject, billingProject: quotaProject, userProjectOverride: true };
}

/**
 * Project guardrails for cost and audit: a monthly billing budget with threshold rules, the
 * retention of the project's `_Default` log bucket, and Data Access audit logs for the data services.
 */
export class ProjectGuardrails extends pulumi.ComponentResource {
  constructor(name: string, args: ProjectGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:observability:ProjectGuardrails", name, {}, opts);
    const spec = resolveProjectGuardrailsArgs(name, args, this);
    const quotaProject = args.quotaProject ?? args.project;
    const billingProvider = new gcp.Provider(
      `${name}-billing`,
      budgetProviderArgs(quotaProject, args.providerSettings),
      childOptions(this, opts),
    );
    new gcp.billing.Budget(
      `${name}-budget`,
      {
        billingAccount: args.billingAccount,
        displayName: `${args.project} monthly`,
        budgetFilter: {
          projects: [pulumi.interpolate`projects/${args.projectNumber}`],
          calendarPeriod: "MONTH",
          creditTypesTreatment: "INCLUDE_ALL_CREDITS",
          labels: args.costLabel ? { [args.costLabel.key]: args.costLabel.value } : undefined,
        },
        amount: { specifiedAmount: { currencyCode: "USD", ...moneyOf(args.monthlyBudgetUsd) } },
        thresholdRules: [
          ...spec.thresholds.map((thresholdPercent) => ({ thresholdPercent, spendBasis: "CURRENT_SPEND" })),
          { thresholdPercent: 1.0, spendBasis: "FORECASTED_SPEND" },
        ],
        allUpdatesRule: {
          monitoringNotificationChannels: args.notificationChannels ?? [],
          disableDefaultIamRecipients: false,
        },
      },
      childOptions(this, opts, { provider: billingProvider }),
    );
    new gcp.logging.ProjectBucketConfig(
      `${name}-log-retention`,
      {
        project: args.project,
        location: "global",
        bucketId: "_Default",
        retentionDays: spec.logRetentionDays,
      },
      childOptions(this, opts),
    );
    for (const service of args.dataAccessLogServices ?? []) {
      new gcp.projects.IAMAuditConfig(
        `${name}-data-access-${service.split(".")[0]}`,
        {
          project: args.project,
          service,
          auditLogConfigs: [{ logType: "DATA_READ" }, { logType: "DATA_WRITE" }],
        },
        childOptions(this, opts),
      );
    }
    this.registerOutputs({});
  }
}

/** Applies defaults and checks the args; throws a ResourceError. Pure. */
export function resolveProjectGuardrailsArgs(name: string, args: ProjectGuardrailsArgs, resource?: pulumi.Resource) {
  const fail = argumentError("ProjectGuardrails", name, resource);
  if (!/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/.test(args.billingAccount))
    fail(`billingAccount "${args.billingAccount}" is not a billing account id (012345-6789AB-CDEF01)`);
  if (!(args.monthlyBudgetUsd >= 0.01 && args.monthlyBudgetUsd <= 100_000_000))
    fail(`monthlyBudgetUsd must be from 0.01 to 100000000 USD (got ${args.monthlyBudgetUsd})`);
  const thresholds = args.thresholds ?? [0.5, 0.9, 1.0];
  for (const t of thresholds) if (!(t > 0 && t <= 10)) fail(`thresholds: ${t} is not a share of the budget in (0, 10]`);
  const logRetentionDays = args.logRetentionDays ?? 30;
  if (!Number.isInteger(logRetentionDays) || logRetentionDays < 1 || logRetentionDays > 3650)
    fail(`logRetentionDays must be from 1 to 3650 (got ${logRetentionDays})`);
  for (const service of args.dataAccessLogServices ?? [])
    if (!/^[a-z][a-z0-9-]*\.googleapis\.com$/.test(service))
      fail(`dataAccessLogServices: "${service}" is not a service name`);
  return { thresholds, logRetentionDays };
}

/** A google.type.Money amount in whole cents: units and nanos (10^-9, below 10^9) of the currency. */
export function moneyOf(amount: number): { units: string; nanos?: number } {
  const cents = Math.round(amount * 100);
  const units = Math.floor(cents / 100);
  const nanos = (cents % 100) * 10_000_000;
  return nanos ? { units: String(units), nanos } : { units: String(units) };
}
