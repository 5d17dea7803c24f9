import type { Json, JsonObject } from "../../components/json";
import { PACKS } from "../../policies/lib/packs";
import { type Plan, type PlanResource, planFromRun } from "../../scripts/lib/plan-document";
import { brokenWorkloads } from "./broken-workloads";
import { planOf } from "./policy";
import { stackRun } from "./stacks";

/**
 * Deliberately broken plans: the mistakes a pull request could make, values unknown in a preview,
 * plans from another program, and config that exercises levels, exemptions and stack policies.
 * The CrossGuard parity harness runs each through the real host and the offline engine.
 */
export interface BrokenPlan {
  readonly name: string;
  /** The stack whose policy config applies. */
  readonly stack: string;
  readonly preview: boolean;
  readonly plan: Plan;
  /** Replacements for the stack's config files, by pack folder. */
  readonly configs?: Readonly<Record<string, Record<string, unknown>>>;
  /** Policies this case must make report (so a case that silently stops breaking anything fails). */
  readonly expectPolicies: readonly string[];
}

const copyOf = async (stack: string, preview = false): Promise<Plan> =>
  structuredClone(planFromRun(await stackRun(stack, preview)));

function find(plan: Plan, type: string, name?: string): PlanResource {
  const found = plan.resources.find((r) => r.type === type && (name === undefined || r.name === name));
  if (!found) throw new Error(`the ${plan.stack} plan has no ${type}${name ? ` named ${name}` : ""}`);
  return found;
}

/** The prod plan with a public bucket, an unprotected database and a grant to allUsers. */
export async function misconfiguredProd(): Promise<Plan> {
  const plan = await copyOf("prod");
  const models = find(plan, "gcp:storage/bucket:Bucket", "storage-models");
  models.inputs = { ...models.inputs, publicAccessPrevention: "inherited" };
  find(plan, "gcp:sql/databaseInstance:DatabaseInstance", "registry-db").options.protect = false;
  plan.resources.push({
    ...find(plan, "gcp:storage/bucketIAMMember:BucketIAMMember"),
    urn: "urn:pulumi:prod::cnai-platform::gcp:storage/bucketIAMMember:BucketIAMMember::models-public",
    name: "models-public",
    inputs: { bucket: "acme-ml-prod-cnai-prod-models", role: "roles/storage.admin", member: "allUsers" },
  });
  return plan;
}

/** Every case, built from the shipped stacks' plans. */
export async function brokenPlans(): Promise<BrokenPlan[]> {
  const cases: BrokenPlan[] = [];

  cases.push({
    name: "prod: public bucket, unprotected database, grant to allUsers",
    stack: "prod",
    preview: false,
    plan: await misconfiguredProd(),
    expectPolicies: ["cnai-bucket-security", "cnai-iam-least-privilege", "cnai-stateful-protected"],
  });

  {
    // The issue's finding: key rings kept on destroy (retainOnDelete), which CrossGuard does not send.
    const plan = await copyOf("prod");
    for (const ring of plan.resources.filter((r) => r.type === "gcp:kms/keyRing:KeyRing"))
      ring.options = { ...ring.options, protect: false, retainOnDelete: true };
    cases.push({
      name: "prod: key rings retained on delete but not protected",
      stack: "prod",
      preview: false,
      plan,
      expectPolicies: ["cnai-stateful-protected"],
    });
  }

  {
    const plan = await copyOf("staging");
    const pool = find(plan, "gcp:container/nodePool:NodePool");
    const nodeConfig = pool.inputs.nodeConfig as Record<string, unknown>;
    nodeConfig.workloadMetadataConfig = { mode: "GCE_METADATA" };
    const job = find(plan, "kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob");
    const pod = (job.inputs.spec as Json).runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template
      .spec.template.spec as JsonObject;
    pod.hostNetwork = true;
    pod.containers[0].securityContext = { privileged: true };
    pod.containers[0].image = "docker.io/library/python:latest";
    delete (job.inputs.metadata as Json).labels["kueue.x-k8s.io/queue-name"];
    cases.push({
      name: "staging: metadata server exposed, privileged training pod, unapproved image, no queue",
      stack: "staging",
      preview: false,
      plan,
      expectPolicies: [
        "cnai-node-pool-hardening",
        "cnai-privileged-containers",
        "cnai-approved-registries",
        "cnai-training-queue-label",
      ],
    });
  }

  {
    const plan = await copyOf("dev");
    const bucket = find(plan, "gcp:storage/bucket:Bucket");
    const labels = { ...(bucket.inputs.labels as Record<string, unknown>) };
    delete labels.team;
    labels.env = "";
    labels["cost-center"] = null;
    labels["workload-type"] = "Training Jobs";
    bucket.inputs = { ...bucket.inputs, labels: labels as PlanResource["inputs"][string], lifecycleRules: [] };
    cases.push({
      name: "dev: labels missing, empty, null and malformed; no lifecycle",
      stack: "dev",
      preview: false,
      plan,
      expectPolicies: ["cnai-required-labels", "cnai-bucket-lifecycle"],
    });
  }

  {
    const plan = await copyOf("prod", true);
    const bucket = find(plan, "gcp:storage/bucket:Bucket");
    bucket.inputs = { ...bucket.inputs, labels: "[unknown]" };
    const pool = find(plan, "gcp:container/nodePool:NodePool", "h100-train");
    pool.inputs = { ...pool.inputs, nodeConfig: "[unknown]" };
    cases.push({
      name: "prod preview: labels and node config unknown (can't run during preview)",
      stack: "prod",
      preview: true,
      plan,
      expectPolicies: ["cnai-required-labels", "cnai-node-pool-hardening"],
    });
  }

  {
    // An exemption names one URN: a resource of another URN with the same name stays checked.
    const plan = await copyOf("staging");
    const exempted = find(plan, "kubernetes:serving.kserve.io/v1beta1:InferenceService", "chat-7b");
    plan.resources.push({
      ...structuredClone(exempted),
      urn: "urn:pulumi:staging::cnai-platform::kubernetes:serving.kserve.io/v1beta1:InferenceService::chat-7b",
      parent: null,
    });
    const governance = PACKS.find((p) => p.dir === "governance")!;
    const levels = Object.fromEntries(governance.policies.map((p) => [p.name, "advisory"]));
    cases.push({
      name: "staging: same name, other URN, not exempted; remediate and disabled levels",
      stack: "staging",
      preview: false,
      plan,
      configs: {
        governance: {
          ...levels,
          all: "mandatory",
          "cnai-required-labels": "remediate",
          "cnai-container-resources": "disabled",
          "cnai-approved-registries": { enforcementLevel: "mandatory", registries: ["ghcr.io/kubeflow/"] },
        },
      },
      expectPolicies: ["cnai-inference-scale-to-zero", "cnai-approved-registries"],
    });
  }

  {
    const plan = await copyOf("prod");
    const table = find(plan, "gcp:bigquery/table:Table");
    table.inputs = {
      ...table.inputs,
      labels: { ...(table.inputs.labels as Record<string, string>), "data-classification": "restricted" },
      encryptionConfiguration: null,
    };
    const dataset = plan.resources.find((r) => r.type === "gcp:bigquery/dataset:Dataset")!;
    dataset.inputs = { ...dataset.inputs, defaultEncryptionConfiguration: null };
    cases.push({
      name: "prod: stack policies, caps exceeded and a restricted table without a key",
      stack: "prod",
      preview: false,
      plan,
      configs: {
        sustainability: {
          all: "mandatory",
          "cnai-shiftable-gpu-capacity": "disabled",
          "cnai-inference-scale-to-zero": "disabled",
          "cnai-gpu-and-carbon-caps": { maxGpus: 4, maxCo2eKgPerMonth: 10 },
        },
      },
      expectPolicies: ["cnai-gpu-and-carbon-caps", "cnai-data-classification"],
    });
  }

  {
    // Issue 13's first-apply defect: the Workload Identity grants no longer wait for the cluster;
    // and a versioned bucket given a retention policy, which Cloud Storage refuses.
    const plan = await copyOf("prod");
    const cluster = find(plan, "gcp:container/cluster:Cluster").urn;
    for (const grant of plan.resources.filter(
      (r) => r.type === "gcp:serviceaccount/iAMMember:IAMMember" && String(r.inputs.member).includes(".svc.id.goog["),
    )) {
      grant.options.dependsOn = grant.options.dependsOn.filter((u) => u !== cluster);
      grant.propertyDependencies = Object.fromEntries(
        Object.entries(grant.propertyDependencies ?? {}).map(([k, urns]) => [k, urns.filter((u) => u !== cluster)]),
      );
    }
    const bucket = find(plan, "gcp:storage/bucket:Bucket", "storage-models");
    bucket.inputs = {
      ...bucket.inputs,
      versioning: { enabled: true },
      retentionPolicy: { retentionPeriod: "2592000", isLocked: false },
    };
    cases.push({
      name: "prod: grants before their cluster, a retention policy on a versioned bucket",
      stack: "prod",
      preview: false,
      plan,
      expectPolicies: ["cnai-apply-order", "cnai-gcp-api-rules"],
    });
  }

  {
    // Issue 12's workloads that validate but would never run (test/helpers/broken-workloads.ts).
    const plan = await copyOf("prod");
    plan.resources.push(...brokenWorkloads("prod"));
    cases.push({
      name: "prod: workloads that would never run",
      stack: "prod",
      preview: false,
      plan,
      expectPolicies: ["cnai-workloads-runnable"],
    });
  }

  cases.push({
    name: "a plan from another program, at dev's levels",
    stack: "dev",
    preview: false,
    plan: planOf([
      { type: "gcp:storage/bucket:Bucket", name: "scratch", inputs: { location: "EU", labels: { team: "x" } } },
      {
        type: "gcp:container/nodePool:NodePool",
        name: "gpu",
        inputs: {
          nodeConfig: { machineType: "g2-standard-8", labels: {} },
          autoscaling: { minNodeCount: 2, maxNodeCount: 9 },
        },
      },
      {
        type: "kubernetes:core/v1:Namespace",
        name: "apps",
        inputs: { metadata: { name: "apps", labels: { "pod-security.kubernetes.io/enforce": "privileged" } } },
      },
    ]),
    expectPolicies: ["cnai-required-labels", "cnai-bucket-security", "cnai-namespace-pod-security"],
  });

  return cases;
}
