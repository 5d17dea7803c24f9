import * as assert from "node:assert";
import { type GkeClusterArgs, resolveGkeClusterArgs } from "../../components/compute/gke-cluster";
import { allocatablePerNode, gpuResourcesPerNode } from "../../components/compute/gpu-pool-rules";
import { type ModelDeploymentArgs, resolveModelDeploymentArgs } from "../../components/serving/model-deployment";
import { resolveTeamNamespaceArgs } from "../../components/tenancy/team-namespace";
import { resolveTrainingJobArgs } from "../../components/training/training-job";
import { ConfigError } from "../../stacks/config/errors";
import { resolveConfig } from "../../stacks/config/load";
import { GOOD_STACK_CONFIG } from "../helpers/config";
import { STACK_LABELS } from "../helpers/run";

/**
 * One source per rule: the config schema and the component report a broken rule with the same
 * "allowed" text, because both take it from the pure rule modules (components/compute/cluster-rules.ts,
 * gpu-pool-rules.ts, components/serving/serving-rules.ts, components/tenancy/team-rules.ts).
 */

/** The one problem the config reports for these settings: its key and what is allowed. */
function configProblem(extra: Record<string, unknown>): { key: string; allowed: string } {
  const values = Object.fromEntries(
    Object.entries({ ...GOOD_STACK_CONFIG, ...extra }).map(([k, v]) => [
      k,
      typeof v === "string" ? v : JSON.stringify(v),
    ]),
  );
  try {
    resolveConfig({ stack: "dev", file: "stacks/Pulumi.dev.yaml", values });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.strictEqual(error.problems.length, 1, error.message);
    return { key: error.problems[0].key, allowed: error.problems[0].allowed };
  }
  assert.fail("the config was accepted");
}

/** The one problem a component reports: `Kind "name": <field>: got <value>; allowed: <what>`. */
function componentProblem(check: () => unknown): { field: string; allowed: string } {
  try {
    check();
  } catch (error) {
    const match = /^\w+ "[^"]*": ([\w.]+): got .*?; allowed: (.*)$/s.exec((error as Error).message);
    assert.ok(match, (error as Error).message);
    assert.ok(!match[2].includes("; allowed: "), `one problem: ${(error as Error).message}`);
    return { field: match[1], allowed: match[2] };
  }
  assert.fail("the component accepted the arguments");
}

const cluster = (overrides: Partial<GkeClusterArgs>) => () =>
  resolveGkeClusterArgs("gke", {
    project: "acme-ml-dev",
    region: "us-central1",
    prefix: "cnai-dev",
    labels: STACK_LABELS,
    zones: ["us-central1-a"],
    network: { network: "net", subnetwork: "subnet", masterCidr: "172.16.0.0/28" },
    ...overrides,
  });

const l4Pool = { machineType: "g2-standard-8", accelerator: { type: "nvidia-l4" } };
const model = (overrides: Partial<ModelDeploymentArgs>) => () =>
  resolveModelDeploymentArgs("m", {
    labels: STACK_LABELS,
    team: "ml-platform",
    namespace: "team-ml-platform",
    mode: "Standard",
    storageUri: "gs://models/m/v1",
    gpus: 1,
    pool: {
      nodePool: "gpu-l4",
      accelerator: "nvidia-l4",
      gpusPerNode: gpuResourcesPerNode(l4Pool),
      ...allocatablePerNode(l4Pool),
    },
    metricsQueryUrl: "http://prometheus.monitoring:9090",
    carbonTier: "medium",
    ...overrides,
  });
const servedModel = (extra: Record<string, unknown>) => ({
  "cnai-platform:serving": {
    mode: "Standard",
    models: [{ name: "m", team: "ml-platform", pool: "l4", storage: "gcs", path: "m/v1", maxReplicas: 1, ...extra }],
  },
});

const CASES: Array<{
  rule: string;
  config: Record<string, unknown>;
  key: string;
  component: () => unknown;
  field: string;
  /** A part of the wording, from the actor that enforces the rule. */
  says: RegExp;
}> = [
  {
    // GKE MaintenancePolicy dailyMaintenanceWindow.startTime: "HH:MM" in GMT.
    rule: "a malformed maintenance window",
    config: { "cnai-platform:cluster": { maintenanceWindowStart: "3am" } },
    key: "cnai-platform:cluster.maintenanceWindowStart",
    component: cluster({ maintenanceWindowStart: "3am" }),
    field: "maintenanceWindowStart",
    says: /HH:MM/,
  },
  {
    rule: "a system pool with min above max (GKE: totalMinNodeCount <= totalMaxNodeCount)",
    config: { "cnai-platform:cluster": { systemPool: { min: 4, max: 2 } } },
    key: "cnai-platform:cluster.systemPool.min",
    component: cluster({ systemPool: { min: 4, max: 2 } }),
    field: "systemPool.min",
    says: /at most systemPool\.max \(2\)/,
  },
  {
    // RFC 5737: 198.51.100.0/24 (TEST-NET-2) is for documentation; nothing connects from it.
    rule: "an authorized network in a documentation range",
    config: { "cnai-platform:cluster": { masterAuthorizedNetworks: [{ name: "ci", cidr: "198.51.100.0/24" }] } },
    key: "cnai-platform:cluster.masterAuthorizedNetworks[0].cidr",
    component: cluster({ authorizedNetworks: [{ name: "ci", cidr: "198.51.100.0/24" }] }),
    field: "authorizedNetworks.0.cidr",
    says: /RFC 5737/,
  },
  {
    rule: "a node zone of another region",
    config: { "cnai-platform:zones": ["europe-west4-a"], "cnai-platform:gpuPools": [] },
    key: "cnai-platform:zones[0]",
    component: cluster({ zones: ["europe-west4-a"] }),
    field: "zones.0",
    says: /a zone of us-central1/,
  },
  {
    // KServe Standard mode scales with an HPA, whose minReplicas is at least 1 (autoscaling/v2).
    rule: "scale to zero in Standard mode",
    config: servedModel({ minReplicas: 0 }),
    key: "cnai-platform:serving.models[0].minReplicas",
    component: model({ minReplicas: 0 }),
    field: "minReplicas",
    says: /Knative/,
  },
  {
    // A g2-standard-8 carries one L4 (Google Cloud, "GPU machine types": G2).
    rule: "more GPUs per replica than a node of the pool has",
    config: servedModel({ gpus: 2 }),
    key: "cnai-platform:serving.models[0].gpus",
    component: model({ gpus: 2 }),
    field: "gpus",
    says: /from 1 to 1/,
  },
  {
    // A g2-standard-8 carries one L4 (Google Cloud, "GPU machine types": G2).
    rule: "a training job asking for more GPUs per node than a node of the pool has",
    config: {
      "cnai-platform:training": {
        legacyTrainingOperator: false,
        jobs: [
          {
            name: "j",
            team: "ml-platform",
            pool: "train",
            image: "trainer:v1",
            command: ["python", "train.py"],
            gpusPerNode: 2,
          },
        ],
      },
    },
    key: "cnai-platform:training.jobs[0].gpusPerNode",
    component: () =>
      resolveTrainingJobArgs("j", {
        labels: STACK_LABELS,
        team: "ml-platform",
        namespace: "team-ml-platform",
        registry: "us-central1-docker.pkg.dev/acme-ml-dev/images",
        image: "us-central1-docker.pkg.dev/acme-ml-dev/images/trainer:v1",
        command: ["python", "train.py"],
        gpusPerNode: 2,
        pool: {
          nodePool: "gpu-train",
          accelerator: "nvidia-l4",
          gpusPerNode: gpuResourcesPerNode(l4Pool),
          ...allocatablePerNode(l4Pool),
        },
        carbonTier: "medium",
      }),
    field: "gpusPerNode",
    says: /from 1 to 1, what a node of gpu-train offers/,
  },
  {
    // GKE, "Best practices for autoscaling LLM inference workloads with GPUs" (CPU metrics): a model
    // server on GPUs is not scaled on CPU or memory alone (issue 13 item 12).
    rule: "a model server on GPUs scaled on CPU",
    config: servedModel({ scaleMetric: "cpu" }),
    key: "cnai-platform:serving.models[0].scaleMetric",
    component: model({ scaleMetric: "cpu" }),
    field: "scaleMetric",
    says: /^waiting-requests in Standard mode .*fixed replicas.*; not cpu or memory: .*GKE, "Best practices for autoscaling LLM inference workloads with GPUs"/,
  },
  {
    // vllm:num_requests_waiting exists only where vLLM runs; --backend=huggingface runs Transformers
    // (kserve/kserve v0.20.0 python/huggingfaceserver/huggingfaceserver/__main__.py is_vllm_backend_enabled).
    rule: "the default waiting-requests scaling for a model on the Transformers backend",
    config: servedModel({ args: ["--backend=huggingface"], maxReplicas: 3 }),
    key: "cnai-platform:serving.models[0].scaleMetric",
    component: model({ args: ["--backend=huggingface"] }),
    field: "scaleMetric",
    says: /does not run vLLM/,
  },
  {
    rule: "a canary split in Standard mode",
    config: servedModel({ canaryTrafficPercent: 10 }),
    key: "cnai-platform:serving.models[0].canaryTrafficPercent",
    component: model({ canaryTrafficPercent: 10 }),
    field: "canaryTrafficPercent",
    says: /Knative/,
  },
  {
    // The namespace team-<name> is an RFC 1123 label: it cannot end with '-'.
    rule: "a team name that ends with '-'",
    config: { "cnai-platform:teams": [{ name: "ab-" }] },
    key: "cnai-platform:teams[0].name",
    component: () =>
      resolveTeamNamespaceArgs("ab", {
        labels: STACK_LABELS,
        team: "ab-",
        workloadIdentities: { training: "t", serving: "s", pipelines: "p" },
      }),
    field: "team",
    says: /ending with a letter or digit/,
  },
];

describe("one rule, one wording: config and components", () => {
  for (const c of CASES) {
    it(`${c.rule}: the config and the component allow the same`, () => {
      const fromConfig = configProblem(c.config);
      const fromComponent = componentProblem(c.component);
      assert.strictEqual(fromConfig.key, c.key);
      assert.strictEqual(fromComponent.field, c.field);
      assert.match(fromConfig.allowed, c.says);
      assert.strictEqual(fromComponent.allowed, fromConfig.allowed);
    });
  }
});
