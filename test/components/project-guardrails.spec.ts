import * as assert from "node:assert";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import {
  moneyOf,
  ProjectGuardrails,
  type ProjectGuardrailsArgs,
  resolveProjectGuardrailsArgs,
} from "../../components/observability/project-guardrails";
import { ProgramError, type RunResult } from "../../scripts/lib/engine";
import { all, input, one, run } from "../helpers/run";

const COMPONENT = "cnai:observability:ProjectGuardrails";
const BUDGET = "gcp:billing/budget:Budget";
const BUCKET = "gcp:logging/projectBucketConfig:ProjectBucketConfig";
const AUDIT = "gcp:projects/iAMAuditConfig:IAMAuditConfig";

const BILLING_ACCOUNT = "01A2B3-C4D5E6-F7A8B9";
const CHANNEL = "projects/acme-test/notificationChannels/1234567890";

function args(overrides: Partial<ProjectGuardrailsArgs> = {}): ProjectGuardrailsArgs {
  return {
    project: "acme-test",
    projectNumber: pulumi.output("123456789012"),
    billingAccount: BILLING_ACCOUNT,
    monthlyBudgetUsd: 5000,
    ...overrides,
  };
}

function guardrails(overrides: Partial<ProjectGuardrailsArgs> = {}): Promise<RunResult> {
  return run(() => new ProjectGuardrails("guardrails", args(overrides)));
}

describe("ProjectGuardrails", () => {
  describe("defaults", () => {
    it("calls the Budget API with the project as quota project (billingProject + userProjectOverride), which user credentials need (403 otherwise)", async () => {
      const result = await guardrails();
      const budget = one(result, BUDGET, "guardrails-budget");
      const provider = one(result, "pulumi:providers:gcp", "guardrails-billing");
      assert.ok(budget.provider?.startsWith(`${provider.urn}::`), `budget provider ${budget.provider}`);
      assert.deepStrictEqual(
        [input(provider, "billingProject"), input(provider, "userProjectOverride"), input(provider, "project")],
        ["acme-test", "true", "acme-test"],
      );
    });

    it("passes the stack's gcp settings to the budget's provider, parsed from config text, never overriding its quota project", async () => {
      const result = await guardrails({
        providerSettings: {
          "gcp:impersonateServiceAccount": "deployer@seed.iam.gserviceaccount.com",
          "gcp:accessToken": "ya29.x",
          "gcp:billingProject": "elsewhere",
          "gcp:defaultLabels": '{"owner":"sre"}',
        },
      });
      const provider = one(result, "pulumi:providers:gcp", "guardrails-billing");
      assert.strictEqual(input(provider, "impersonateServiceAccount"), "deployer@seed.iam.gserviceaccount.com");
      assert.strictEqual(input(provider, "accessToken"), "[secret]");
      assert.strictEqual(input(provider, "billingProject"), "acme-test");
      assert.match(String(input(provider, "defaultLabels")), /"owner":"sre"/);
    });

    it("creates a monthly budget on the billing account, for the project by number, in USD whole units", async () => {
      const budget = one(await guardrails(), BUDGET, "guardrails-budget");
      assert.strictEqual(input(budget, "billingAccount"), BILLING_ACCOUNT);
      assert.strictEqual(input(budget, "displayName"), "acme-test monthly");
      assert.deepStrictEqual(input(budget, "budgetFilter"), {
        projects: ["projects/123456789012"],
        calendarPeriod: "MONTH",
        creditTypesTreatment: "INCLUDE_ALL_CREDITS",
      });
      assert.deepStrictEqual(input(budget, "amount"), { specifiedAmount: { currencyCode: "USD", units: "5000" } });
    });

    it("notifies at 50, 90 and 100 % of current spend and at 100 % of forecast spend", async () => {
      const budget = one(await guardrails(), BUDGET);
      assert.deepStrictEqual(input(budget, "thresholdRules"), [
        { thresholdPercent: 0.5, spendBasis: "CURRENT_SPEND" },
        { thresholdPercent: 0.9, spendBasis: "CURRENT_SPEND" },
        { thresholdPercent: 1.0, spendBasis: "CURRENT_SPEND" },
        { thresholdPercent: 1.0, spendBasis: "FORECASTED_SPEND" },
      ]);
    });

    it("sends budget alerts to the billing account's admins and no extra channel, with no label filter", async () => {
      const budget = one(await guardrails(), BUDGET);
      assert.deepStrictEqual(input(budget, "allUpdatesRule"), {
        monitoringNotificationChannels: [],
        disableDefaultIamRecipients: false,
      });
      assert.strictEqual(input(budget, "budgetFilter.labels"), undefined);
    });

    it("keeps the project's _Default log bucket (global) for 30 days", async () => {
      const bucket = one(await guardrails(), BUCKET, "guardrails-log-retention");
      assert.deepStrictEqual(bucket.inputs, {
        project: "acme-test",
        location: "global",
        bucketId: "_Default",
        retentionDays: 30,
      });
    });

    it("turns on no Data Access audit logs", async () => {
      assert.strictEqual(all(await guardrails(), AUDIT).length, 0);
    });

    it("resolves the documented defaults", () => {
      assert.deepStrictEqual(resolveProjectGuardrailsArgs("guardrails", args()), {
        thresholds: [0.5, 0.9, 1.0],
        logRetentionDays: 30,
      });
    });

    it("parents the budget, its provider and the bucket config to the component, and nothing else is created", async () => {
      const result = await guardrails();
      const component = one(result, COMPONENT, "guardrails");
      const children = result.resources.filter((r) => r.parent === component.urn);
      assert.deepStrictEqual(children.map((c) => c.type).sort(), [BUDGET, BUCKET, "pulumi:providers:gcp"].sort());
    });
  });

  describe("options", () => {
    it("projectNumber may be another resource's output", async () => {
      const result = await run(() => {
        const project = gcp.organizations.getProjectOutput({ projectId: "acme-test" });
        new ProjectGuardrails("guardrails", args({ projectNumber: project.number }));
      });
      const projects = input(one(result, BUDGET), "budgetFilter.projects") as string[];
      assert.strictEqual(projects.length, 1);
      assert.match(projects[0], /^projects\/\d+$/);
    });

    it("monthlyBudgetUsd is the budget amount to the cent: whole dollars as a string, the rest in nanos", async () => {
      assert.deepStrictEqual(
        input(one(await guardrails({ monthlyBudgetUsd: 1234.56 }), BUDGET), "amount.specifiedAmount"),
        { currencyCode: "USD", units: "1234", nanos: 560000000 },
      );
      assert.deepStrictEqual(
        input(one(await guardrails({ monthlyBudgetUsd: 0.3 }), BUDGET), "amount.specifiedAmount"),
        { currencyCode: "USD", units: "0", nanos: 300000000 },
      );
      assert.deepStrictEqual(
        input(one(await guardrails({ monthlyBudgetUsd: 1500 }), BUDGET), "amount.specifiedAmount"),
        { currencyCode: "USD", units: "1500" },
        "no nanos for whole dollars",
      );
    });

    it("thresholds replace the current-spend rules; the forecast rule stays", async () => {
      const budget = one(await guardrails({ thresholds: [0.25, 0.75, 1.2] }), BUDGET);
      assert.deepStrictEqual(input(budget, "thresholdRules"), [
        { thresholdPercent: 0.25, spendBasis: "CURRENT_SPEND" },
        { thresholdPercent: 0.75, spendBasis: "CURRENT_SPEND" },
        { thresholdPercent: 1.2, spendBasis: "CURRENT_SPEND" },
        { thresholdPercent: 1.0, spendBasis: "FORECASTED_SPEND" },
      ]);
    });

    it("notificationChannels reach every budget update", async () => {
      const budget = one(
        await guardrails({
          notificationChannels: [CHANNEL, pulumi.output("projects/acme-test/notificationChannels/42")],
        }),
        BUDGET,
      );
      assert.deepStrictEqual(input(budget, "allUpdatesRule"), {
        monitoringNotificationChannels: [CHANNEL, "projects/acme-test/notificationChannels/42"],
        disableDefaultIamRecipients: false,
      });
    });

    it("costLabel filters the budget to the stack's labelled costs", async () => {
      const budget = one(await guardrails({ costLabel: { key: "env", value: "prod" } }), BUDGET);
      assert.deepStrictEqual(input(budget, "budgetFilter.labels"), { env: "prod" });
    });

    it("logRetentionDays sets the _Default bucket's retention, from 1 to 3650", async () => {
      assert.strictEqual(input(one(await guardrails({ logRetentionDays: 400 }), BUCKET), "retentionDays"), 400);
      for (const days of [1, 3650])
        assert.strictEqual(
          resolveProjectGuardrailsArgs("guardrails", args({ logRetentionDays: days })).logRetentionDays,
          days,
        );
    });

    it("dataAccessLogServices: one audit config per service, DATA_READ and DATA_WRITE, named by the service", async () => {
      const services = [
        "storage.googleapis.com",
        "secretmanager.googleapis.com",
        "sqladmin.googleapis.com",
        "bigquery.googleapis.com",
      ];
      const result = await guardrails({ dataAccessLogServices: services });
      assert.strictEqual(all(result, AUDIT).length, services.length);
      for (const service of services) {
        const audit = one(result, AUDIT, `guardrails-data-access-${service.split(".")[0]}`);
        assert.deepStrictEqual(audit.inputs, {
          project: "acme-test",
          service,
          auditLogConfigs: [{ logType: "DATA_READ" }, { logType: "DATA_WRITE" }],
        });
        assert.strictEqual(audit.parent, one(result, COMPONENT).urn);
      }
    });

    it("thresholds up to 10 times the budget are accepted", () => {
      assert.deepStrictEqual(
        resolveProjectGuardrailsArgs("guardrails", args({ thresholds: [0.01, 10] })).thresholds,
        [0.01, 10],
      );
    });
  });

  describe("moneyOf", () => {
    it("writes whole amounts as units only, as a string", () => {
      assert.deepStrictEqual(moneyOf(1500), { units: "1500" });
      assert.deepStrictEqual(moneyOf(1), { units: "1" });
      assert.ok(!("nanos" in moneyOf(5000)), "no nanos key at all");
    });

    it("writes the cents in nanos (10^-9)", () => {
      assert.deepStrictEqual(moneyOf(0.3), { units: "0", nanos: 300000000 });
      assert.deepStrictEqual(moneyOf(1234.56), { units: "1234", nanos: 560000000 });
      assert.deepStrictEqual(moneyOf(19.99), { units: "19", nanos: 990000000 });
      assert.deepStrictEqual(moneyOf(0.01), { units: "0", nanos: 10000000 });
      assert.deepStrictEqual(moneyOf(2.5), { units: "2", nanos: 500000000 });
      for (const amount of [0.3, 1234.56, 19.99, 0.01])
        assert.ok(Number.isInteger(moneyOf(amount).nanos), String(amount));
    });

    it("rounds to whole cents, carrying into units, so nanos stay below 10^9", () => {
      assert.deepStrictEqual(moneyOf(1.9999999999), { units: "2" });
      assert.deepStrictEqual(moneyOf(123456789.123), { units: "123456789", nanos: 120000000 });
      assert.deepStrictEqual(moneyOf(0.004), { units: "0" });
    });

    it("keeps units and nanos summing to the amount", () => {
      for (const amount of [0.3, 1, 7.25, 99.99, 1234.56, 250000]) {
        const money = moneyOf(amount);
        assert.ok(
          Math.abs(Number(money.units) + (money.nanos ?? 0) / 1e9 - amount) < 1e-9,
          `${amount}: ${JSON.stringify(money)}`,
        );
      }
    });
  });

  describe("validation", () => {
    const cases: Array<[string, Partial<ProjectGuardrailsArgs>, string]> = [
      [
        "a billing account that is not an id",
        { billingAccount: "acme" },
        'billingAccount "acme" is not a billing account id (012345-6789AB-CDEF01)',
      ],
      ["a budget of 0", { monthlyBudgetUsd: 0 }, "monthlyBudgetUsd must be from 0.01 to 100000000 USD (got 0)"],
      [
        "a negative budget",
        { monthlyBudgetUsd: -100 },
        "monthlyBudgetUsd must be from 0.01 to 100000000 USD (got -100)",
      ],
      [
        "a budget under a cent",
        { monthlyBudgetUsd: 0.001 },
        "monthlyBudgetUsd must be from 0.01 to 100000000 USD (got 0.001)",
      ],
      [
        "a budget over the limit",
        { monthlyBudgetUsd: 2e8 },
        "monthlyBudgetUsd must be from 0.01 to 100000000 USD (got 200000000)",
      ],
      ["a threshold of 0", { thresholds: [0, 0.9] }, "thresholds: 0 is not a share of the budget in (0, 10]"],
      ["a threshold of 11", { thresholds: [0.5, 11] }, "thresholds: 11 is not a share of the budget in (0, 10]"],
      ["a log retention of 0 days", { logRetentionDays: 0 }, "logRetentionDays must be from 1 to 3650 (got 0)"],
      [
        "a log retention of 4000 days",
        { logRetentionDays: 4000 },
        "logRetentionDays must be from 1 to 3650 (got 4000)",
      ],
      ["a fractional log retention", { logRetentionDays: 30.5 }, "logRetentionDays must be from 1 to 3650 (got 30.5)"],
      [
        "a service name that is not <name>.googleapis.com",
        { dataAccessLogServices: ["storage.googleapis.com", "storage"] },
        'dataAccessLogServices: "storage" is not a service name',
      ],
    ];
    for (const [what, overrides, message] of cases) {
      it(`refuses ${what}, and creates no budget, bucket config or audit config`, async () => {
        await assert.rejects(guardrails(overrides), (error: ProgramError) => {
          assert.ok(error instanceof ProgramError, "expected the program to fail");
          assert.strictEqual(error.message, `ProjectGuardrails "guardrails": ${message}`);
          for (const type of [BUDGET, BUCKET, AUDIT])
            assert.strictEqual(error.resources.filter((r) => r.type === type).length, 0, type);
          return true;
        });
      });

      it(`resolveProjectGuardrailsArgs refuses ${what} with a ResourceError`, () => {
        assert.throws(
          () => resolveProjectGuardrailsArgs("guardrails", args(overrides)),
          (error: Error) => {
            assert.ok(error instanceof pulumi.ResourceError);
            assert.strictEqual(error.message, `ProjectGuardrails "guardrails": ${message}`);
            return true;
          },
        );
      });
    }
  });
});
