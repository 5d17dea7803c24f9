import * as assert from "node:assert";
import { runnableMessage, workloadsRunnable } from "../../../policies/governance/policies/workloads-runnable";
import type { WorkloadReport } from "../../../policies/lib/analysis/workloads/model";
import { causeOf } from "../../../scripts/lib/policy-engine";
import {
  container,
  daemonSet,
  deployment,
  enforce,
  K8S,
  namespace,
  nodePool,
  quota,
} from "../../analysis/workloads/fixtures";
import { type TestResource, urnOf, violationsOf } from "../../helpers/policy";

const pools: TestResource[] = [
  nodePool("system", { machineType: "e2-standard-8", max: 3 }),
  nodePool("gpu-l4", {
    machineType: "g2-standard-12",
    gpus: { type: "nvidia-l4", count: 1 },
    max: 2,
    taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }],
  }),
  namespace("team", enforce("baseline")),
];

describe("cnai-workloads-runnable", () => {
  it("passes workloads that would be admitted and scheduled", async () => {
    assert.deepStrictEqual(
      await violationsOf(workloadsRunnable, [
        ...pools,
        deployment(
          "team",
          "web",
          { containers: [container({ requests: { cpu: "1", memory: "1Gi" } })] },
          { replicas: 2 },
        ),
        deployment("team", "server", {
          containers: [container({ requests: { cpu: "4" }, limits: { "nvidia.com/gpu": "1" } })],
        }),
      ]),
      [],
    );
  });

  it("reports each workload whose Pods would be refused or never scheduled, by its URN, with the Pod, the reason and the fix", async () => {
    const violations = await violationsOf(workloadsRunnable, [
      ...pools,
      deployment("team", "no-toleration", {
        nodeSelector: { "cloud.google.com/gke-nodepool": "gpu-l4" },
        containers: [container()],
      }),
      deployment("team", "host", { hostNetwork: true, containers: [container()] }),
      quota("team", { hard: { "requests.nvidia.com/gpu": "1" } }),
      deployment("team", "two-gpus", { containers: [container({ limits: { "nvidia.com/gpu": "2" } })] }),
    ]);
    assert.deepStrictEqual(
      violations.map((v) => v.urn),
      [K8S.deployment, K8S.deployment, K8S.deployment].map((t, i) =>
        urnOf(t, ["no-toleration", "host", "two-gpus"][i]),
      ),
    );
    const [toleration, host, gpus] = violations.map(causeOf);
    assert.match(
      toleration,
      /^the Pods of Deployment team\/no-toleration would never be scheduled \(Scheduler\): 0\/2 node pools can run it: .*untolerated taint nvidia\.com\/gpu=present:NoSchedule\. Fix: add a toleration for the taint of gpu-l4.*\. Rule: kubernetes pkg\/scheduler/,
    );
    assert.match(
      host,
      /^the Pods of Deployment team\/host would be refused \(PodSecurity\): violates PodSecurity "baseline:latest": host namespaces \(hostNetwork=true\)\. Fix: remove hostNetwork/,
    );
    assert.match(
      gpus,
      /would be refused \(ResourceQuota\): exceeded quota: quota, requested: requests\.nvidia\.com\/gpu=2.*Fix: raise requests\.nvidia\.com\/gpu of ResourceQuota quota in team/,
    );
  });

  it("reports a chart's workloads on the chart's URN, naming the chart version its facts come from", async () => {
    const dcgm: TestResource = {
      type: K8S.chart,
      name: "dcgm",
      inputs: {
        chart: "dcgm-exporter",
        version: "4.8.1",
        namespace: "monitoring",
        name: "dcgm-exporter",
        values: { tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] },
      },
    };
    const violations = await violationsOf(workloadsRunnable, [
      ...pools,
      namespace("monitoring", enforce("privileged")),
      dcgm,
    ]);
    assert.strictEqual(violations.length, 1);
    assert.strictEqual(violations[0].urn, urnOf(K8S.chart, "dcgm"));
    assert.match(
      causeOf(violations[0]),
      /^the Pods of DaemonSet monitoring\/dcgm-exporter \(chart dcgm-exporter 4\.8\.1\) would be refused \(ResourceQuota\): insufficient quota to match these scopes/,
    );
    const scoped = quota(
      "monitoring",
      {
        hard: { pods: "10" },
        scopeSelector: {
          matchExpressions: [
            { scopeName: "PriorityClass", operator: "In", values: ["system-node-critical", "system-cluster-critical"] },
          ],
        },
      },
      "critical-pods",
    );
    assert.deepStrictEqual(
      await violationsOf(workloadsRunnable, [...pools, namespace("monitoring", enforce("privileged")), scoped, dcgm]),
      [],
    );
  });

  it("drops an exempted workload, and runs at the config's level", async () => {
    const broken = [...pools, daemonSet("team", "agent", { priorityClassName: "missing", containers: [container()] })];
    const exempt = {
      enforcementLevel: "advisory",
      exemptions: [
        { urn: urnOf(K8S.daemonSet, "agent"), reason: "the agent's PriorityClass comes from another program" },
      ],
    };
    assert.deepStrictEqual(await violationsOf(workloadsRunnable, broken, exempt), []);
    const [violation] = await violationsOf(workloadsRunnable, broken, "advisory");
    assert.strictEqual(violation.enforcementLevel, "advisory");
    assert.match(violation.message, /no PriorityClass with name missing was found/);
  });

  it("checks what it can during preview: a workload reading a value unknown until apply is left for later, not failed", async () => {
    const model: TestResource = {
      type: K8S.inferenceService,
      name: "chat",
      inputs: {
        apiVersion: "serving.kserve.io/v1beta1",
        kind: "InferenceService",
        metadata: { name: "chat", namespace: "team" },
        spec: { predictor: { model: { modelFormat: { name: "huggingface" }, storageUri: "[unknown]" } } },
      },
    };
    const violations = await violationsOf(workloadsRunnable, [
      ...pools,
      model,
      deployment("team", "host", { hostNetwork: true, containers: [container()] }),
    ]);
    assert.deepStrictEqual(
      violations.map((v) => v.urn),
      [urnOf(K8S.deployment, "host")],
    );
  });

  describe("runnableMessage", () => {
    const report = (kind: string, name: string, pods: number, source = "declared") =>
      ({
        urn: "u",
        kind,
        name,
        namespace: "team",
        source,
        pods: Array.from({ length: pods }, () => ({})),
      }) as unknown as WorkloadReport;
    const problem = (pod: string | undefined, step = "PodSecurity") => ({
      ...(pod === undefined ? {} : { pod }),
      step,
      message: "m",
      fix: "f",
      source: "r",
    });
    const cases: [WorkloadReport, ReturnType<typeof problem>, string][] = [
      [
        report("Deployment", "api", 1),
        problem(undefined),
        "the Pods of Deployment team/api would be refused (PodSecurity): m. Fix: f. Rule: r.",
      ],
      [
        report("Deployment", "api", 1),
        problem("deployment"),
        "the Pods of Deployment team/api would be refused (PodSecurity): m. Fix: f. Rule: r.",
      ],
      [
        report("Deployment", "api", 1),
        problem("api"),
        "the Pods of Deployment team/api would be refused (PodSecurity): m. Fix: f. Rule: r.",
      ],
      [
        report("Job", "train", 1),
        problem("launcher"),
        "Pod launcher of Job team/train would be refused (PodSecurity): m. Fix: f. Rule: r.",
      ],
      [
        report("PyTorchJob", "train", 2),
        problem("worker", "Kueue"),
        "Pod worker of PyTorchJob team/train would never be admitted (Kueue): m. Fix: f. Rule: r.",
      ],
      [
        report("PyTorchJob", "train", 2),
        problem(undefined),
        "Pod (all) of PyTorchJob team/train would be refused (PodSecurity): m. Fix: f. Rule: r.",
      ],
      [
        report("Deployment", "webhook", 1, "chart cert-manager"),
        problem(undefined, "Admission"),
        "the Pods of Deployment team/webhook (chart cert-manager) would not run (Admission): m. Fix: f. Rule: r.",
      ],
    ];
    for (const [workload, p, expected] of cases)
      it(expected.split(" would")[0], () => assert.strictEqual(runnableMessage(workload, p), expected));
  });
});
