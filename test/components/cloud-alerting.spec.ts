import * as assert from "node:assert";
import {
  type AlertRule,
  alertKey,
  durationSeconds,
  platformAlerts,
  systemMetricAlerts,
} from "../../components/observability/alerts";
import {
  CloudAlerting,
  type CloudAlertingArgs,
  IAM_CHANGE_FILTER,
} from "../../components/observability/cloud-alerting";
import { ProgramError, type RunResult } from "../../scripts/lib/engine";
import { promqlErrors } from "../../scripts/lib/promql";
import { all, input, one, run, STACK_LABELS } from "../helpers/run";

const COMPONENT = "cnai:observability:CloudAlerting";
const CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel";
const POLICY = "gcp:monitoring/alertPolicy:AlertPolicy";

const GOVERNANCE = {
  env: "test",
  team: "ml-platform",
  "cost-center": "cc-1",
  "managed-by": "pulumi",
  component: "cloud-alerting",
};
const ALERTS = platformAlerts({ pools: [{ nodePool: "gpu-l4", maxNodes: 4 }] });
const PAGING = ALERTS.filter((a) => a.page);
const CHANNEL_ID = "projects/acme-test/notificationChannels/1234567890";

function args(overrides: Partial<CloudAlertingArgs> = {}): CloudAlertingArgs {
  return { project: "acme-test", labels: STACK_LABELS, alerts: PAGING, ...overrides };
}

/** Runs a CloudAlerting named "alerting"; outputs its channels. */
function alerting(overrides: Partial<CloudAlertingArgs> = {}): Promise<RunResult> {
  return run(() => {
    const ca = new CloudAlerting("alerting", args(overrides));
    return { channels: ca.channels };
  });
}

type PromqlCondition = {
  query: string;
  duration: string;
  evaluationInterval: string;
  alertRule: string;
  ruleGroup: string;
  labels: Record<string, string>;
};

const policy = (result: RunResult, alert: AlertRule) => one(result, POLICY, `alerting-${alertKey(alert)}`);
const promqlCondition = (resource: { inputs: Record<string, unknown> }) =>
  (input(resource as never, "conditions") as Array<{ conditionPrometheusQueryLanguage: PromqlCondition }>)[0]
    .conditionPrometheusQueryLanguage;
const channelEmails = (result: RunResult) =>
  Object.fromEntries(all(result, CHANNEL).map((c) => [c.name, input(c, "labels.email_address")]));

describe("CloudAlerting", () => {
  describe("defaults", () => {
    it("creates no notification channel when given no e-mails or channel ids, and outputs none", async () => {
      const result = await alerting();
      assert.strictEqual(all(result, CHANNEL).length, 0);
      assert.deepStrictEqual(result.outputs.channels, []);
      for (const p of all(result, POLICY)) assert.deepStrictEqual(input(p, "notificationChannels"), [], p.name);
    });

    it("creates one PromQL alert policy per alert, and the IAM policy change alert", async () => {
      const result = await alerting();
      assert.deepStrictEqual(
        all(result, POLICY)
          .map((p) => p.name)
          .sort(),
        [...PAGING.map((a) => `alerting-${a.name}`), "alerting-iam-policy-change"].sort(),
      );
      assert.deepStrictEqual(
        PAGING.map((a) => a.name),
        ["GpuIdle", "GpuXidErrors", "InferenceLatencyP99High", "InferenceErrorRateHigh"],
      );
    });

    it("evaluates each alert's PromQL every 60s for its `for` duration, in seconds, as the rule group's alert with its severity label", async () => {
      const result = await alerting({ alerts: ALERTS });
      assert.strictEqual(all(result, POLICY).length, ALERTS.length + 1);
      assert.ok(
        all(result, POLICY).some((p) => p.name === "alerting-GpuPoolAtMaximum-gpu-l4"),
        "a scoped alert's policy is named for its name and scope",
      );
      for (const alert of ALERTS) {
        const p = policy(result, alert);
        assert.strictEqual((input(p, "conditions") as unknown[]).length, 1, alert.name);
        assert.deepStrictEqual(
          promqlCondition(p),
          {
            query: alert.expr,
            duration: `${durationSeconds(alert.for)}s`,
            evaluationInterval: "60s",
            alertRule: alert.name,
            ruleGroup: "cnai-platform",
            labels: { severity: alert.severity },
          },
          alert.name,
        );
        assert.strictEqual(input(p, "conditions.0.displayName"), alert.summary.slice(0, 100), alert.name);
        assert.ok((input(p, "conditions.0.displayName") as string).length <= 100);
      }
    });

    it("writes durations as seconds: GpuIdle's 2h is 7200s, GpuXidErrors' 1m is 60s, the latency alert's 10m is 600s", async () => {
      const result = await alerting();
      const byName = (name: string) => PAGING.find((a) => a.name === name)!;
      assert.strictEqual(promqlCondition(policy(result, byName("GpuIdle"))).duration, "7200s");
      assert.strictEqual(promqlCondition(policy(result, byName("GpuXidErrors"))).duration, "60s");
      assert.strictEqual(promqlCondition(policy(result, byName("InferenceLatencyP99High"))).duration, "600s");
    });

    it("maps severity critical to CRITICAL and warning to WARNING", async () => {
      const result = await alerting({ alerts: ALERTS });
      for (const alert of ALERTS) {
        assert.strictEqual(
          input(policy(result, alert), "severity"),
          alert.severity === "critical" ? "CRITICAL" : "WARNING",
          alert.name,
        );
      }
      assert.strictEqual(input(one(result, POLICY, "alerting-GpuXidErrors"), "severity"), "CRITICAL");
      assert.strictEqual(input(one(result, POLICY, "alerting-GpuIdle"), "severity"), "WARNING");
    });

    it("documents each policy with its summary and runbook, in Markdown, named for the alert and the stack", async () => {
      const result = await alerting();
      for (const alert of PAGING) {
        const p = policy(result, alert);
        assert.strictEqual(input(p, "project"), "acme-test");
        assert.strictEqual(input(p, "displayName"), `cnai test: ${alert.name}`);
        assert.strictEqual(input(p, "combiner"), "OR");
        assert.deepStrictEqual(input(p, "documentation"), {
          mimeType: "text/markdown",
          subject: `${alert.name} (test)`,
          content: `${alert.summary}\n\n**Runbook.** ${alert.runbook}`,
        });
        assert.deepStrictEqual(input(p, "userLabels"), GOVERNANCE, alert.name);
      }
    });

    it("alerts on IAM policy changes from the Admin Activity audit log, rate-limited, with a runbook", async () => {
      const result = await alerting();
      const iam = one(result, POLICY, "alerting-iam-policy-change");
      assert.strictEqual(input(iam, "displayName"), "cnai test: IAM policy changed");
      assert.strictEqual(input(iam, "severity"), "WARNING");
      assert.strictEqual(input(iam, "combiner"), "OR");
      assert.deepStrictEqual(input(iam, "conditions"), [
        { displayName: "An IAM policy was set", conditionMatchedLog: { filter: IAM_CHANGE_FILTER } },
      ]);
      assert.deepStrictEqual(input(iam, "alertStrategy"), {
        notificationRateLimit: { period: "300s" },
        autoClose: "1800s",
      });
      assert.strictEqual(input(iam, "documentation.mimeType"), "text/markdown");
      assert.match(input(iam, "documentation.content") as string, /\*\*Runbook\.\*\*/);
      assert.deepStrictEqual(input(iam, "userLabels"), GOVERNANCE);
    });

    it("IAM_CHANGE_FILTER matches SetIamPolicy calls in the Admin Activity log", () => {
      assert.strictEqual(
        IAM_CHANGE_FILTER,
        'protoPayload.methodName=("SetIamPolicy" OR "google.iam.admin.v1.SetIAMPolicy") AND logName:"cloudaudit.googleapis.com%2Factivity"',
      );
    });

    it("parents every policy and channel to the component", async () => {
      const result = await alerting({ emails: ["oncall@acme.example"] });
      const component = one(result, COMPONENT, "alerting");
      for (const r of [...all(result, POLICY), ...all(result, CHANNEL)])
        assert.strictEqual(r.parent, component.urn, r.name);
    });

    it("every PromQL query parses", async () => {
      const result = await alerting({
        alerts: [...ALERTS, ...systemMetricAlerts().map((a) => ({ ...a, name: `System${a.name}` }))],
      });
      const queries = all(result, POLICY)
        .filter((p) => p.name !== "alerting-iam-policy-change")
        .map((p) => promqlCondition(p).query);
      assert.strictEqual(queries.length, ALERTS.length + 2);
      for (const query of queries) assert.deepStrictEqual(promqlErrors(query), [], `PromQL does not parse: ${query}`);
    });
  });

  describe("options", () => {
    it("emails: one e-mail notification channel per address, labelled, named by the address", async () => {
      const result = await alerting({ emails: ["oncall@acme.example", "ml-platform+alerts@acme.example"] });
      assert.strictEqual(all(result, CHANNEL).length, 2);
      const oncall = one(result, CHANNEL, "alerting-email-oncall-acme-example");
      assert.deepStrictEqual(oncall.inputs, {
        project: "acme-test",
        type: "email",
        displayName: "cnai test: oncall@acme.example",
        labels: { email_address: "oncall@acme.example" },
        userLabels: GOVERNANCE,
      });
      const team = one(result, CHANNEL, "alerting-email-ml-platform-alerts-acme-example");
      assert.strictEqual(input(team, "type"), "email");
      assert.deepStrictEqual(input(team, "labels"), { email_address: "ml-platform+alerts@acme.example" });
      assert.deepStrictEqual(input(team, "userLabels"), GOVERNANCE);
    });

    it("emails: reordering the addresses keeps every channel's name", async () => {
      const emails = ["a@acme.example", "b@acme.example", "c@acme.example"];
      const forward = channelEmails(await alerting({ emails }));
      const backward = channelEmails(await alerting({ emails: [...emails].reverse() }));
      assert.deepStrictEqual(backward, forward);
      assert.strictEqual(Object.keys(forward).length, 3);
    });

    it("every alert policy notifies every channel: those created and those given", async () => {
      const result = await alerting({ emails: ["oncall@acme.example", "lead@acme.example"], channelIds: [CHANNEL_ID] });
      const channels = result.outputs.channels as string[];
      assert.strictEqual(channels.length, 3);
      assert.ok(channels.includes(CHANNEL_ID), "the given channel id is passed through");
      for (const p of all(result, POLICY)) assert.deepStrictEqual(input(p, "notificationChannels"), channels, p.name);
    });

    it("channelIds alone: passed through as the channels, no channel created", async () => {
      const other = "projects/acme-shared/notificationChannels/42";
      const result = await alerting({ channelIds: [CHANNEL_ID, other] });
      assert.strictEqual(all(result, CHANNEL).length, 0);
      assert.deepStrictEqual(result.outputs.channels, [CHANNEL_ID, other]);
      for (const p of all(result, POLICY))
        assert.deepStrictEqual(input(p, "notificationChannels"), [CHANNEL_ID, other], p.name);
    });

    it("iamPolicyChanges false removes the IAM policy change alert and keeps the others", async () => {
      const result = await alerting({ iamPolicyChanges: false });
      assert.strictEqual(all(result, POLICY).filter((p) => p.name === "alerting-iam-policy-change").length, 0);
      assert.strictEqual(all(result, POLICY).length, PAGING.length);
    });

    it("alerts of the same name and different scopes (two pools at maximum): one policy each, named and titled by the scope", async () => {
      const pools = platformAlerts({
        pools: [
          { nodePool: "gpu-l4", maxNodes: 4 },
          { nodePool: "gpu-h100", maxNodes: 2 },
        ],
      }).filter((a) => a.name === "GpuPoolAtMaximum");
      assert.strictEqual(pools.length, 2);
      const result = await alerting({ alerts: pools, iamPolicyChanges: false });
      assert.deepStrictEqual(
        all(result, POLICY).map((p) => p.name),
        ["alerting-GpuPoolAtMaximum-gpu-l4", "alerting-GpuPoolAtMaximum-gpu-h100"],
      );
      const l4 = one(result, POLICY, "alerting-GpuPoolAtMaximum-gpu-l4");
      const h100 = one(result, POLICY, "alerting-GpuPoolAtMaximum-gpu-h100");
      assert.strictEqual(input(l4, "displayName"), "cnai test: GpuPoolAtMaximum (gpu-l4)");
      assert.strictEqual(input(h100, "displayName"), "cnai test: GpuPoolAtMaximum (gpu-h100)");
      assert.strictEqual(input(h100, "documentation.subject"), "GpuPoolAtMaximum gpu-h100 (test)");
      assert.strictEqual(promqlCondition(l4).query, pools[0].expr);
      assert.strictEqual(promqlCondition(h100).query, pools[1].expr);
      assert.match(promqlCondition(h100).query, /"gpu-h100"\}\) >= 2$/);
      assert.strictEqual(promqlCondition(h100).alertRule, "GpuPoolAtMaximum", "the rule keeps the alert's name");
    });

    it("no alerts: only the IAM policy change alert", async () => {
      const result = await alerting({ alerts: [] });
      assert.deepStrictEqual(
        all(result, POLICY).map((p) => p.name),
        ["alerting-iam-policy-change"],
      );
    });
  });

  describe("validation", () => {
    const cases: Array<[string, Partial<CloudAlertingArgs>, string]> = [
      [
        "an e-mail without a domain",
        { emails: ["oncall@acme.example", "oncall"] },
        'emails: "oncall" is not an e-mail address',
      ],
      [
        "an e-mail with a space",
        { emails: ["on call@acme.example"] },
        'emails: "on call@acme.example" is not an e-mail address',
      ],
      [
        "a bare channel number",
        { channelIds: ["1234567890"] },
        'channelIds: "1234567890" is not projects/<project>/notificationChannels/<id>',
      ],
      [
        "a channel id that is not a number",
        { channelIds: ["projects/acme-test/notificationChannels/oncall"] },
        'channelIds: "projects/acme-test/notificationChannels/oncall" is not projects/<project>/notificationChannels/<id>',
      ],
    ];
    const twoPools = (a: string, b: string) =>
      platformAlerts({
        pools: [
          { nodePool: a, maxNodes: 4 },
          { nodePool: b, maxNodes: 2 },
        ],
      });
    cases.push(
      [
        "an alert given twice",
        { alerts: [...PAGING, PAGING[0]], emails: ["oncall@acme.example"] },
        "alerts: GpuIdle given more than once (name and scope must be unique)",
      ],
      [
        "an alert named like the built-in IAM policy alert",
        { alerts: [{ ...PAGING[0], name: "iam-policy-change" }] },
        'alerts: "iam-policy-change" is the name of the built-in IAM policy alert; name the alert otherwise',
      ],
      [
        "two pool alerts of the same pool",
        { alerts: twoPools("gpu-l4", "gpu-l4") },
        "alerts: GpuPoolAtMaximum-gpu-l4 given more than once (name and scope must be unique)",
      ],
      [
        "several repeated alerts, each named once",
        { alerts: [...PAGING, ...PAGING, PAGING[0]] },
        `alerts: ${PAGING.map((a) => a.name).join(", ")} given more than once (name and scope must be unique)`,
      ],
    );
    for (const [what, overrides, message] of cases) {
      it(`refuses ${what}, and creates no channel or alert policy`, async () => {
        await assert.rejects(alerting(overrides), (error: ProgramError) => {
          assert.ok(error instanceof ProgramError, "expected the program to fail");
          assert.strictEqual(error.message, `CloudAlerting "alerting": ${message}`);
          assert.strictEqual(error.resources.filter((r) => r.type === POLICY).length, 0);
          assert.strictEqual(error.resources.filter((r) => r.type === CHANNEL).length, 0);
          return true;
        });
      });
    }
  });
});
