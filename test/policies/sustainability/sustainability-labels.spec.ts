import * as assert from "node:assert";
import { carbonTier } from "../../../components/catalog/regions";
import { sustainabilityLabels } from "../../../policies/sustainability/policies/sustainability-labels";
import { causeOf } from "../../../scripts/lib/policy-engine";
import { messagesOf, urnOf, violationsOf } from "../../helpers/policy";
import {
  CLUSTER,
  cloudRun,
  GOVERNANCE,
  INFERENCE_SERVICE,
  inferenceService,
  k8sSustainability,
  PYTORCH_JOB,
  pool,
  sustainability,
  TRAIN_JOB,
  trainJob,
} from "./fixtures";

const cluster = (location: string, labels: Record<string, string>) => ({
  type: CLUSTER,
  name: "gke",
  inputs: { location, resourceLabels: labels },
});

describe("policy cnai-sustainability-labels", () => {
  it("the regions the tests use have the tiers they assume", () => {
    assert.deepStrictEqual(
      ["us-central1", "europe-west4", "us-east4", "us-east1"].map((r) => carbonTier(r as never)),
      ["low", "low", "medium", "high"],
    );
  });

  it("passes compute with the three labels and the region's tier (cluster, node pool, Cloud Run)", async () => {
    const resources = [
      cluster("europe-west4", { ...GOVERNANCE, ...sustainability("platform", false, "low") }),
      pool({ location: "us-east1", labels: sustainability("training", true, "high") }),
      cloudRun({ location: "us-east4", labels: sustainability("inference", false, "medium") }),
    ];
    assert.deepStrictEqual(await messagesOf(sustainabilityLabels, resources), []);
  });

  it("names the missing labels and the field they belong in", async () => {
    const [poolMessage] = await messagesOf(sustainabilityLabels, [
      pool({ labels: { ...GOVERNANCE, "workload-type": "training" } }),
    ]);
    assert.match(
      poolMessage,
      /^nodeConfig\.resourceLabels lacks shiftable, carbon-tier\. Set the pool's or service's workloadType and shiftable/,
    );
    const [runMessage] = await messagesOf(sustainabilityLabels, [cloudRun({ labels: { ...GOVERNANCE } })]);
    assert.match(runMessage, /^labels lacks workload-type, shiftable, carbon-tier\./);
    const [clusterMessage] = await messagesOf(sustainabilityLabels, [
      { type: CLUSTER, inputs: { location: "us-central1" } },
    ]);
    assert.match(clusterMessage, /^resourceLabels lacks workload-type, shiftable, carbon-tier\./);
  });

  it("rejects values outside the taxonomy, with the allowed ones", async () => {
    const messages = await messagesOf(sustainabilityLabels, [
      pool({ labels: sustainability("batch", "yes", "green") }),
    ]);
    assert.deepStrictEqual(
      messages.map((m) => m.split(". ")[0]),
      [
        'nodeConfig.resourceLabels.workload-type is "batch"; allowed: training, inference, data, platform.',
        'nodeConfig.resourceLabels.shiftable is "yes"; allowed: true, false.',
        'nodeConfig.resourceLabels.carbon-tier is "green"; allowed: low, medium, high.',
      ].map((m) => m.slice(0, -1)),
    );
  });

  it("checks carbon-tier against the region of the location, with the region's figures", async () => {
    const [message] = await messagesOf(sustainabilityLabels, [
      pool({ location: "us-east1", labels: sustainability("training", true, "low") }),
    ]);
    assert.strictEqual(
      message,
      'nodeConfig.resourceLabels.carbon-tier is "low", but location us-east1 is "high" (us-east1: 31 % carbon-free energy, 575.77 gCO2eq/kWh). ' +
        'Set it to "high": derive it with carbonTier(region) instead of writing it by hand.',
    );
  });

  it("maps a zonal location to its region", async () => {
    assert.deepStrictEqual(
      await messagesOf(sustainabilityLabels, [cluster("us-central1-a", sustainability("platform", false, "low"))]),
      [],
    );
    const [message] = await messagesOf(sustainabilityLabels, [
      cluster("us-east4-a", sustainability("platform", false, "low")),
    ]);
    assert.match(message, /carbon-tier is "low", but location us-east4-a is "medium" \(us-east4:/);
  });

  it("reports a location without carbon data instead of passing it", async () => {
    const [message] = await messagesOf(sustainabilityLabels, [
      cloudRun({ location: "mars-north1", labels: sustainability("inference", false, "low") }),
    ]);
    assert.match(message, /location mars-north1 is not a region with carbon data, so the tier cannot be checked/);
  });

  it("ignores GCP types that are not compute, and Kubernetes kinds not in the list", async () => {
    const bucket = { type: "gcp:storage/bucket:Bucket", inputs: { location: "US", labels: {} } };
    const deployment = { type: "kubernetes:apps/v1:Deployment", inputs: { metadata: { labels: {} } } };
    assert.deepStrictEqual(await messagesOf(sustainabilityLabels, [bucket, deployment]), []);
  });

  it("checks training and serving custom resources for the cnai.dev/ labels", async () => {
    const good = [
      trainJob(k8sSustainability("training", true, "low")),
      trainJob(k8sSustainability("training", true, "low"), PYTORCH_JOB, "pt"),
      inferenceService(),
    ];
    assert.deepStrictEqual(await messagesOf(sustainabilityLabels, good), []);
    const violations = await violationsOf(sustainabilityLabels, [
      trainJob({ "cnai.dev/workload-type": "training" }),
      inferenceService({ labels: { ...k8sSustainability("inference", "maybe", "low") } }),
      trainJob({ "workload-type": "training", shiftable: "true", "carbon-tier": "low" }, PYTORCH_JOB, "unprefixed"),
    ]);
    assert.deepStrictEqual(
      violations.map((v) => [v.urn, causeOf(v).split(". ")[0]]),
      [
        [urnOf(TRAIN_JOB, "train"), "metadata.labels lacks cnai.dev/shiftable, cnai.dev/carbon-tier"],
        [urnOf(INFERENCE_SERVICE, "chat"), 'metadata.labels.cnai.dev/shiftable is "maybe"; allowed: true, false'],
        [
          urnOf(PYTORCH_JOB, "unprefixed"),
          "metadata.labels lacks cnai.dev/workload-type, cnai.dev/shiftable, cnai.dev/carbon-tier",
        ],
      ],
    );
    assert.match(violations[0].message, /kubernetesSustainabilityLabels helper writes all three\.$/);
  });

  it("checks the kinds the config lists", async () => {
    const rayJob = { type: "kubernetes:ray.io/v1:RayJob", name: "ray", inputs: { metadata: { labels: {} } } };
    const notebook = { type: "kubernetes:kubeflow.org/v1:Notebook", name: "nb", inputs: { metadata: { labels: {} } } };
    assert.strictEqual(
      (await messagesOf(sustainabilityLabels, [rayJob, notebook])).length,
      1,
      "RayJob is in the default list, Notebook is not",
    );
    const messages = await messagesOf(sustainabilityLabels, [rayJob, notebook, trainJob({})], { kinds: ["Notebook"] });
    assert.deepStrictEqual(messages.length, 1);
  });

  it("checks a custom resource's carbon-tier against the configured region only", async () => {
    const job = trainJob(k8sSustainability("training", true, "low"));
    assert.deepStrictEqual(
      await messagesOf(sustainabilityLabels, [job]),
      [],
      "no region configured: the tier is not checked",
    );
    assert.deepStrictEqual(await messagesOf(sustainabilityLabels, [job], { region: "europe-west4" }), []);
    const [message] = await messagesOf(sustainabilityLabels, [job], { region: "us-east1" });
    assert.match(
      message,
      /^metadata\.labels\.cnai\.dev\/carbon-tier is "low", but the stack's region us-east1 \(policy config\) is "high" \(us-east1: 31 % carbon-free energy/,
    );
  });

  it("refuses a region the carbon data does not know in its config", async () => {
    await assert.rejects(
      violationsOf(sustainabilityLabels, [], { region: "moon-1" }),
      /cnai-sustainability-labels\.region: got "moon-1"; allowed: one of "africa-south1"/,
    );
  });

  it("reports at the configured level, and skips exempted resources", async () => {
    const bad = pool({ name: "legacy", labels: {} });
    const [violation] = await violationsOf(sustainabilityLabels, [bad], "advisory");
    assert.strictEqual(violation.enforcementLevel, "advisory");
    const exemptions = [
      { urn: urnOf(bad.type, "legacy"), reason: "imported pool, relabelled when it is replaced in Q3" },
    ];
    assert.deepStrictEqual(await violationsOf(sustainabilityLabels, [bad], { exemptions }), []);
    assert.deepStrictEqual(await violationsOf(sustainabilityLabels, [bad], "disabled"), []);
  });

  it("reports an empty or absent label once, as missing, and checks the tier only when it is a valid one", async () => {
    const labels = (workloadType: string, tier?: string) => ({
      ...GOVERNANCE,
      "workload-type": workloadType,
      shiftable: "true",
      ...(tier === undefined ? {} : { "carbon-tier": tier }),
    });
    const cases: [Record<string, string>, string[]][] = [
      [labels("", "low"), ["labels lacks workload-type."]],
      [labels("training"), ["labels lacks carbon-tier."]],
      [labels("training", ""), ["labels lacks carbon-tier."]],
      [labels("training", "green"), ['labels.carbon-tier is "green"; allowed: low, medium, high.']],
    ];
    for (const [l, expected] of cases)
      assert.deepStrictEqual(
        (await messagesOf(sustainabilityLabels, [cloudRun({ location: "us-central1", labels: l })])).map((m) =>
          m.replace(/ Set the pool's.*$/, ""),
        ),
        expected,
        JSON.stringify(l),
      );
  });
});
