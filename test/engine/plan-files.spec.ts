import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parseAllDocuments } from "yaml";
import { manifestsOf } from "../../scripts/lib/manifests";
import { isHelmChart, isKubernetesObject, planFromRun } from "../../scripts/lib/plan-document";
import { mermaidDiagram, renderReport } from "../../scripts/lib/report";
import { writePlanFiles } from "../../scripts/plan";
import { planSchemaErrors } from "../helpers/plan-schema";
import { run } from "../helpers/run";

function kubernetesProgram() {
  const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
  const platform = new pulumi.ComponentResource("cnai:test:Platform", "platform", {}, { provider });
  new k8s.apiextensions.CustomResource(
    "queue",
    {
      apiVersion: "kueue.x-k8s.io/v1beta2",
      kind: "LocalQueue",
      metadata: { name: "team-a", namespace: "team-a" },
      spec: { clusterQueue: "gpus" },
    },
    { parent: platform, provider },
  );
  new k8s.core.v1.ConfigMap(
    "settings",
    { metadata: { name: "settings", namespace: "team-a" }, data: { a: "1" } },
    { parent: platform, provider },
  );
  new k8s.core.v1.Namespace(
    "ns",
    { metadata: { name: "team-a", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
    { parent: platform, provider },
  );
  new k8s.core.v1.Secret(
    "token",
    { metadata: { name: "token", namespace: "team-a" }, stringData: { token: pulumi.secret("hush") } },
    { parent: platform, provider },
  );
  new k8s.helm.v4.Chart(
    "kueue",
    {
      chart: "oci://registry.k8s.io/kueue/charts/kueue",
      version: "0.19.2",
      namespace: "kueue-system",
      values: { a: 1 },
    },
    { parent: platform, provider },
  );
}

describe("plan files", () => {
  it("manifests: every Kubernetes object, namespaces first, helm charts left to plan.json, secrets hidden", async () => {
    const plan = planFromRun(await run(kubernetesProgram));
    const manifests = manifestsOf(plan);
    assert.deepStrictEqual(
      manifests.map((m) => m.fileName),
      [
        "001-namespace-team-a.yaml",
        "002-configmap-team-a-settings.yaml",
        "003-secret-team-a-token.yaml",
        "004-localqueue-team-a-team-a.yaml",
      ],
    );
    assert.deepStrictEqual(manifests[3].object, {
      apiVersion: "kueue.x-k8s.io/v1beta2",
      kind: "LocalQueue",
      metadata: { name: "team-a", namespace: "team-a" },
      spec: { clusterQueue: "gpus" },
    });
    assert.ok(!("stringData" in manifests[2].object), "secret data is not written");
    assert.match(
      String(
        (manifests[2].object.metadata as { annotations: Record<string, string> }).annotations["cnai.dev/withheld"],
      ),
      /stringData: set by Pulumi/,
    );
    const chart = plan.resources.find(isHelmChart)!;
    assert.deepStrictEqual(
      { chart: chart.inputs.chart, version: chart.inputs.version, values: chart.inputs.values },
      { chart: "oci://registry.k8s.io/kueue/charts/kueue", version: "0.19.2", values: { a: 1 } },
    );
    assert.ok(!isKubernetesObject(chart));
  });

  it("writes plan.json (valid against the contract), report.md and one YAML document per manifest", async () => {
    const plan = planFromRun(await run(kubernetesProgram));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "cnai-plan-"));
    try {
      assert.deepStrictEqual(await writePlanFiles(plan, out), { manifests: 4 });
      const written = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
      assert.deepStrictEqual(planSchemaErrors(written), []);
      assert.ok(!fs.readFileSync(path.join(out, "plan.json"), "utf8").includes("hush"));
      const files = fs.readdirSync(path.join(out, "manifests"));
      assert.strictEqual(files.length, 4);
      for (const file of files) {
        const docs = parseAllDocuments(fs.readFileSync(path.join(out, "manifests", file), "utf8"));
        assert.strictEqual(docs.length, 1, file);
        assert.deepStrictEqual(docs[0].errors, []);
        assert.ok(docs[0].toJS().apiVersion && docs[0].toJS().kind, file);
      }
      assert.match(fs.readFileSync(path.join(out, "report.md"), "utf8"), /```mermaid\nflowchart TD/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it("report: summary, policy and estimate sections, Helm charts listed", async () => {
    const plan = planFromRun(await run(kubernetesProgram));
    const report = renderReport(plan);
    assert.match(report, /^# cnai-platform plan: stack `test`/);
    assert.match(report, /- Kubernetes objects: 4; Helm charts: 1/);
    assert.match(report, /\| oci:\/\/registry\.k8s\.io\/kueue\/charts\/kueue \| 0\.19\.2 \|/);
    assert.match(report, /## Policy\n\nNo policy packs ran\./);
    plan.policy = {
      packs: ["governance"],
      violations: [
        {
          pack: "governance",
          policy: "labels",
          enforcementLevel: "mandatory",
          urn: plan.resources[1].urn,
          message: "missing | label",
        },
      ],
    };
    plan.estimate = {
      gpus: { idle: 0, max: 16 },
      energyKwhPerMonth: { idle: 0, max: 1234.5 },
      co2eKgPerMonth: { idle: 0, max: 10 },
      costUsdPerMonth: { idle: 1.5, max: 40000 },
    };
    const withPolicy = renderReport(plan);
    assert.match(withPolicy, /1 violation, 1 mandatory/);
    assert.match(withPolicy, /missing \\\| label/);
    assert.match(withPolicy, /\| GPUs \| 0 \| 16 \|/);
    assert.match(withPolicy, /\| Cost, USD \| 1\.5 \| 40,000 \|/);
  });

  it("diagram: one node per component with its resource count, containment and dependencies", async () => {
    const result = await run(() => {
      const a = new pulumi.ComponentResource("cnai:test:Network", "net");
      new k8s.core.v1.Namespace("n1", { metadata: { name: "n1" } }, { parent: a });
      const b = new pulumi.ComponentResource("cnai:test:Cluster", "gke", {}, { dependsOn: [a] });
      new pulumi.ComponentResource("cnai:test:Pool", "pool", {}, { parent: b });
    });
    const diagram = mermaidDiagram(planFromRun(result).resources);
    const id = (label: string) => new RegExp(`(c\\d+)\\["${label}`).exec(diagram)?.[1];
    const [net, gke, pool] = [
      id('Network<br/>net<br/>1 resource"'),
      id('Cluster<br/>gke<br/>0 resources"'),
      id("Pool<br/>pool"),
    ];
    assert.ok(net && gke && pool, diagram);
    assert.ok(diagram.includes(`${gke} --> ${pool}`), "containment");
    assert.ok(diagram.includes(`${net} -.-> ${gke}`), "dependency");
  });
});
