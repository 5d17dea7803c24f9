import * as assert from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  GKE_METADATA,
  GOOGLE_LB_RANGES,
  INFERENCE_POD_LABEL,
  NODE_LOCAL_DNS,
  networkPolicies,
  resolveTeamNamespaceArgs,
  TeamNamespace,
  type TeamNamespaceArgs,
} from "../../components/tenancy/team-namespace";
import { analyzeWorkloads } from "../../policies/lib/analysis/workloads";
import { checkObjects, type KubernetesObject } from "../../scripts/lib/conformance";
import { ProgramError, type RunResult } from "../../scripts/lib/engine";
import { manifestsOf } from "../../scripts/lib/manifests";
import { planFromRun } from "../../scripts/lib/plan-document";
import type { RecordedResource } from "../../scripts/lib/recording-monitor";
import { container, deployment, nodePool } from "../analysis/workloads/fixtures";
import { crdIndex } from "../helpers/conformance";
import { assertDependsOnReachesChildren, expectedPodSecurityLabels } from "../helpers/kubernetes-checks";
import { planOf } from "../helpers/policy";
import { all, input, kubernetesLabels, one, run, STACK_LABELS } from "../helpers/run";

const COMPONENT = "cnai:tenancy:TeamNamespace";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const QUOTA = "kubernetes:core/v1:ResourceQuota";
const LIMIT_RANGE = "kubernetes:core/v1:LimitRange";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const PROVIDER = "pulumi:providers:kubernetes";

const IDENTITIES = {
  training: "vision-training@acme-test.iam.gserviceaccount.com",
  serving: "vision-serving@acme-test.iam.gserviceaccount.com",
  pipelines: "vision-pipelines@acme-test.iam.gserviceaccount.com",
};

/** The team's name, not the stack's, is the `cnai.dev/team` label. */
const LABELS = kubernetesLabels("team-namespace", "vision");

const POLICY_NAMES = [
  "default-deny",
  "allow-same-namespace",
  "allow-dns",
  "allow-gke-metadata",
  "allow-https-egress",
  "allow-platform-services",
  "allow-metrics-scraping",
  "allow-model-serving",
];

function args(overrides: Partial<TeamNamespaceArgs> = {}): TeamNamespaceArgs {
  return { labels: STACK_LABELS, team: "vision", workloadIdentities: IDENTITIES, ...overrides };
}

/** Runs a TeamNamespace with its own Kubernetes provider, passed as `providers`. */
function team(overrides: Partial<TeamNamespaceArgs> = {}): Promise<RunResult> {
  return run(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
    const tn = new TeamNamespace("vision", args(overrides), { providers: { kubernetes: provider } });
    return { namespace: tn.namespace };
  });
}

const metadata = (resource: RecordedResource) => resource.inputs.metadata as Record<string, unknown>;
/** A NetworkPolicy by its Kubernetes name (registrations arrive in no fixed order). */
const policy = (result: RunResult, name: string) => one(result, NETWORK_POLICY, `vision-${name}`);
const namespacesIn = (names: string[]) => ({
  namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: names }] },
});

describe("TeamNamespace", () => {
  describe("defaults", () => {
    it("creates namespace team-<name> with the cnai.dev labels (cnai.dev/team is the team) and Pod Security baseline enforced, restricted warned and audited", async () => {
      const result = await team();
      const ns = one(result, NAMESPACE, "vision-ns");
      assert.deepStrictEqual(ns.inputs.metadata, {
        name: "team-vision",
        labels: {
          ...LABELS,
          ...expectedPodSecurityLabels("baseline"),
        },
      });
      assert.strictEqual(result.outputs.namespace, "team-vision");
    });

    it("creates the training, serving and pipelines service accounts, each bound to its Google service account, without a mounted token", async () => {
      const result = await team();
      assert.strictEqual(all(result, SERVICE_ACCOUNT).length, 3);
      for (const ksa of ["training", "serving", "pipelines"] as const) {
        const sa = one(result, SERVICE_ACCOUNT, `vision-${ksa}`);
        assert.deepStrictEqual(sa.inputs.metadata, {
          name: ksa,
          namespace: "team-vision",
          labels: LABELS,
          annotations: { "iam.gke.io/gcp-service-account": IDENTITIES[ksa] },
        });
        assert.strictEqual(input(sa, "automountServiceAccountToken"), false, `${ksa} does not mount a token`);
      }
    });

    it("exposes the namespace and the service account names", async () => {
      let component: TeamNamespace | undefined;
      await run(() => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1" });
        component = new TeamNamespace("vision", args(), { providers: { kubernetes: provider } });
      });
      assert.strictEqual(component?.namespace, "team-vision");
      assert.deepStrictEqual(component?.serviceAccounts, {
        training: "training",
        serving: "serving",
        pipelines: "pipelines",
      });
    });

    it("caps the team with a ResourceQuota: 8 GPUs (requests.nvidia.com/gpu), 64 CPUs, 256Gi, 200 pods, no load balancers or node ports", async () => {
      const quota = one(await team(), QUOTA);
      assert.deepStrictEqual(quota.inputs.metadata, { name: "team-quota", namespace: "team-vision", labels: LABELS });
      assert.deepStrictEqual(input(quota, "spec.hard"), {
        "requests.cpu": "64",
        "requests.memory": "256Gi",
        "limits.memory": "256Gi",
        "requests.nvidia.com/gpu": "8",
        pods: "200",
        "services.loadbalancers": "0",
        "services.nodeports": "0",
      });
    });

    it("sets container defaults with a LimitRange (2Gi memory limit, 250m / 512Mi request), no CPU limit and no GPU bound, which the quota holds", async () => {
      const limits = one(await team(), LIMIT_RANGE);
      assert.deepStrictEqual(limits.inputs.metadata, { name: "team-limits", namespace: "team-vision", labels: LABELS });
      assert.deepStrictEqual(input(limits, "spec.limits"), [
        {
          type: "Container",
          default: { memory: "2Gi" },
          defaultRequest: { cpu: "250m", memory: "512Mi" },
        },
      ]);
    });

    it("admits a container that asks for 2 CPUs and states no limit: no default CPU limit below its request", async () => {
      // Regression: team-limits defaulted the CPU limit to 1, and the API server refuses a Pod whose
      // request is above its limit (kubernetes pkg/apis/core/validation/validation.go
      // ValidateResourceRequirements: "must be less than or equal to cpu limit of 1").
      const section = analyzeWorkloads([
        ...planFromRun(await team()).resources,
        ...planOf([
          nodePool("system", { machineType: "e2-standard-8" }),
          deployment("team-vision", "etl", { containers: [container({ requests: { cpu: "2", memory: "1Gi" } })] }),
        ]).resources,
      ]);
      const etl = section.workloads.find((w) => w.name === "etl")!;
      assert.deepStrictEqual(etl.problems, []);
      assert.strictEqual(etl.status, "runnable");
      // Memory above the default limit still needs its own limit, and the simulation says so.
      const big = analyzeWorkloads([
        ...planFromRun(await team()).resources,
        ...planOf([
          nodePool("system", { machineType: "e2-standard-8" }),
          deployment("team-vision", "big", { containers: [container({ requests: { cpu: "1", memory: "8Gi" } })] }),
        ]).resources,
      ]).workloads.find((w) => w.name === "big")!;
      assert.match(
        big.problems[0].message,
        /must be less than or equal to memory limit of 2Gi \(LimitRange team-limits gave container app its default memory limit of 2Gi\)/,
      );
    });

    it("admits CPU-only Pods and injected sidecars without GPUs: the API server would turn a GPU max without default into every container's GPU request", async () => {
      // Regression: team-limits had max nvidia.com/gpu; kubernetes pkg/apis/core/v1/defaults.go
      // (SetDefaults_LimitRangeItem) stores that max as the default limit and request, so LimitRanger
      // gave KServe's storage initializer, GKE's GCS FUSE sidecar and any CPU Pod the max in GPUs.
      const plan = planFromRun(await team());
      const section = analyzeWorkloads([
        ...plan.resources,
        ...planOf([
          nodePool("system", { machineType: "e2-standard-8" }),
          deployment(
            "team-vision",
            "etl",
            { containers: [container({ requests: { cpu: "1" } })] },
            { annotations: { "gke-gcsfuse/volumes": "true" } },
          ),
        ]).resources,
      ]);
      const etl = section.workloads.find((w) => w.name === "etl")!;
      assert.deepStrictEqual(etl.problems, []);
      assert.strictEqual(etl.status, "runnable");
      assert.deepStrictEqual(etl.pods[0].initContainers, ["gke-gcsfuse-sidecar"]);
      assert.strictEqual(etl.pods[0].requests["nvidia.com/gpu"], undefined);
      assert.deepStrictEqual(etl.pods[0].pools, ["system"]);
    });

    it("creates the eight NetworkPolicies, each in the namespace with the team labels", async () => {
      const result = await team();
      const policies = all(result, NETWORK_POLICY);
      assert.deepStrictEqual(policies.map((p) => metadata(p).name).sort(), [...POLICY_NAMES].sort());
      for (const p of policies) {
        assert.deepStrictEqual(p.inputs.metadata, { name: metadata(p).name, namespace: "team-vision", labels: LABELS });
        assert.strictEqual(p.name, `vision-${String(metadata(p).name)}`);
      }
    });

    it("default-deny selects every Pod and denies ingress and egress", async () => {
      assert.deepStrictEqual(input(policy(await team(), "default-deny"), "spec"), {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
      });
    });

    it("allow-same-namespace lets Pods of the namespace talk to each other both ways", async () => {
      assert.deepStrictEqual(input(policy(await team(), "allow-same-namespace"), "spec"), {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      });
    });

    it("allow-dns allows port 53 (UDP and TCP) to kube-dns in kube-system and to NodeLocal DNSCache (169.254.20.10)", async () => {
      assert.strictEqual(NODE_LOCAL_DNS, "169.254.20.10/32");
      assert.deepStrictEqual(input(policy(await team(), "allow-dns"), "spec"), {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              { ...namespacesIn(["kube-system"]), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } },
              { ipBlock: { cidr: "169.254.20.10/32" } },
            ],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      });
    });

    it("allow-gke-metadata allows the GKE metadata server: 169.254.169.254:80 and 169.254.169.252:988 (Workload Identity)", async () => {
      assert.deepStrictEqual(GKE_METADATA, [
        { cidr: "169.254.169.254/32", port: 80 },
        { cidr: "169.254.169.252/32", port: 988 },
      ]);
      assert.deepStrictEqual(input(policy(await team(), "allow-gke-metadata"), "spec"), {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
          { to: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: [{ protocol: "TCP", port: 988 }] },
        ],
      });
    });

    it("allow-https-egress allows TCP 443 anywhere (Google APIs, registries, model hubs) and nothing else", async () => {
      assert.deepStrictEqual(input(policy(await team(), "allow-https-egress"), "spec"), {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }],
      });
    });

    it("allow-platform-services allows the model-registry namespace on TCP 8080 and 5000", async () => {
      assert.deepStrictEqual(input(policy(await team(), "allow-platform-services"), "spec"), {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [namespacesIn(["model-registry"])],
            ports: [
              { protocol: "TCP", port: 8080 },
              { protocol: "TCP", port: 5000 },
            ],
          },
        ],
      });
    });

    it("allow-metrics-scraping admits Pods of gmp-system and monitoring", async () => {
      assert.deepStrictEqual(input(policy(await team(), "allow-metrics-scraping"), "spec"), {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [namespacesIn(["gmp-system", "monitoring"])] }],
      });
    });

    it("allow-model-serving admits, to InferenceService Pods only, the ingress namespaces and the Google load balancer ranges", async () => {
      assert.strictEqual(INFERENCE_POD_LABEL, "serving.kserve.io/inferenceservice");
      assert.deepStrictEqual(GOOGLE_LB_RANGES, ["35.191.0.0/16", "130.211.0.0/22"]);
      assert.deepStrictEqual(input(policy(await team(), "allow-model-serving"), "spec"), {
        podSelector: { matchExpressions: [{ key: "serving.kserve.io/inferenceservice", operator: "Exists" }] },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [
              namespacesIn(["kserve", "knative-serving", "kourier-system", "istio-system"]),
              { ipBlock: { cidr: "35.191.0.0/16" } },
              { ipBlock: { cidr: "130.211.0.0/22" } },
            ],
          },
        ],
      });
    });

    it("opens no other port: every egress rule but same-namespace traffic names its ports", async () => {
      const result = await team();
      for (const p of all(result, NETWORK_POLICY)) {
        const name = String(metadata(p).name);
        const egress = (input(p, "spec.egress") ?? []) as Array<{ to: object[]; ports?: object[] }>;
        for (const rule of egress) {
          if (name === "allow-same-namespace") continue;
          assert.ok(rule.ports && rule.ports.length > 0, `${name}: an egress rule without ports would open every port`);
        }
      }
    });

    it("puts every object in the namespace, after it, through the given provider, parented to the component", async () => {
      const result = await team();
      const provider = one(result, PROVIDER);
      const component = one(result, COMPONENT, "vision");
      const ns = one(result, NAMESPACE);
      const objects = result.resources.filter((r) => r.type.startsWith("kubernetes:"));
      assert.strictEqual(objects.length, 1 + 3 + 1 + 1 + 8);
      for (const object of objects) {
        assert.strictEqual(object.parent, component.urn, `${object.name} is a child of the component`);
        assert.ok(
          object.provider?.startsWith(`${provider.urn}::`),
          `${object.name} uses the given provider (got ${object.provider})`,
        );
        if (object === ns) continue;
        assert.ok(object.options.dependsOn.includes(ns.urn), `${object.name} waits for the namespace`);
        assert.strictEqual(metadata(object).namespace, "team-vision", `${object.name} is in the namespace`);
      }
    });

    it("declares only objects that conform to the Kubernetes schemas and ObjectMeta rules", async function () {
      const objects = manifestsOf(planFromRun(await team())).map((m) => m.object as KubernetesObject);
      const report = await checkObjects(objects, crdIndex(this));
      assert.deepStrictEqual(report.problems, []);
      assert.strictEqual(report.coreObjects, 14);
      assert.strictEqual(report.customResources, 0);
    });

    it("resolves the documented defaults", () => {
      assert.deepStrictEqual(resolveTeamNamespaceArgs("vision", args()), {
        podSecurity: "baseline",
        quota: { gpus: 8, cpu: 64, memoryGi: 256, pods: 200 },
        monitoringNamespaces: ["gmp-system", "monitoring"],
        servingIngressNamespaces: ["kserve", "knative-serving", "kourier-system", "istio-system"],
        platformServices: [{ namespace: "model-registry", ports: [8080, 5000] }],
      });
    });

    it("networkPolicies lists the eight policies, default-deny first", () => {
      const policies = networkPolicies(resolveTeamNamespaceArgs("vision", args()));
      assert.deepStrictEqual(
        policies.map((p) => p.name),
        POLICY_NAMES,
      );
    });
  });

  describe("options", () => {
    it("podSecurity: restricted enforces restricted", async () => {
      const ns = one(await team({ podSecurity: "restricted" }), NAMESPACE);
      const labels = metadata(ns).labels as Record<string, string>;
      assert.strictEqual(labels["pod-security.kubernetes.io/enforce"], "restricted");
      assert.strictEqual(labels["pod-security.kubernetes.io/warn"], "restricted");
      assert.strictEqual(labels["pod-security.kubernetes.io/audit"], "restricted");
    });

    it("quota sets GPUs, CPUs, memory and pods", async () => {
      const result = await team({ quota: { gpus: 4, cpu: 32, memoryGi: 128, pods: 50 } });
      assert.deepStrictEqual(input(one(result, QUOTA), "spec.hard"), {
        "requests.cpu": "32",
        "requests.memory": "128Gi",
        "limits.memory": "128Gi",
        "requests.nvidia.com/gpu": "4",
        pods: "50",
        "services.loadbalancers": "0",
        "services.nodeports": "0",
      });
      assert.strictEqual(input(one(result, LIMIT_RANGE), "spec.limits.0.max"), undefined);
    });

    it("a partial quota keeps the other defaults", async () => {
      const hard = input(one(await team({ quota: { gpus: 2 } }), QUOTA), "spec.hard") as Record<string, string>;
      assert.strictEqual(hard["requests.nvidia.com/gpu"], "2");
      assert.strictEqual(hard["requests.cpu"], "64");
      assert.strictEqual(hard["requests.memory"], "256Gi");
      assert.strictEqual(hard.pods, "200");
    });

    it("a large GPU quota is the team's only GPU bound", async () => {
      const result = await team({ quota: { gpus: 64 } });
      assert.strictEqual(
        (input(one(result, QUOTA), "spec.hard") as Record<string, string>)["requests.nvidia.com/gpu"],
        "64",
      );
      assert.strictEqual(input(one(result, LIMIT_RANGE), "spec.limits.0.max"), undefined);
    });

    it("a zero GPU quota is allowed: no GPUs at all for the team", async () => {
      const result = await team({ quota: { gpus: 0 } });
      assert.strictEqual(
        (input(one(result, QUOTA), "spec.hard") as Record<string, string>)["requests.nvidia.com/gpu"],
        "0",
      );
      // The quota alone keeps GPUs out (ResourceQuota admission), and CPU Pods keep running.
      const section = analyzeWorkloads([
        ...planFromRun(result).resources,
        ...planOf([
          nodePool("system", { machineType: "e2-standard-8" }),
          nodePool("gpu", { machineType: "g2-standard-8", gpus: { type: "nvidia-l4", count: 1 } }),
          deployment("team-vision", "cpu", { containers: [container({ requests: { cpu: "1" } })] }),
          deployment("team-vision", "gpu", {
            containers: [container({ requests: { cpu: "1" }, limits: { "nvidia.com/gpu": "1" } })],
          }),
        ]).resources,
      ]);
      assert.strictEqual(section.workloads.find((w) => w.name === "cpu")!.status, "runnable");
      assert.match(
        section.workloads.find((w) => w.name === "gpu")!.problems[0].message,
        /^exceeded quota: team-quota, requested: requests\.nvidia\.com\/gpu=1, used: requests\.nvidia\.com\/gpu=0, limited: requests\.nvidia\.com\/gpu=0$/,
      );
    });

    it("monitoringNamespaces changes who may scrape metrics", async () => {
      const p = policy(await team({ monitoringNamespaces: ["prometheus"] }), "allow-metrics-scraping");
      assert.deepStrictEqual(input(p, "spec.ingress"), [{ from: [namespacesIn(["prometheus"])] }]);
    });

    it("servingIngressNamespaces changes who may call model servers; the Google load balancer ranges stay", async () => {
      const p = policy(await team({ servingIngressNamespaces: ["gateway"] }), "allow-model-serving");
      assert.deepStrictEqual(input(p, "spec.ingress"), [
        {
          from: [
            namespacesIn(["gateway"]),
            { ipBlock: { cidr: "35.191.0.0/16" } },
            { ipBlock: { cidr: "130.211.0.0/22" } },
          ],
        },
      ]);
    });

    it("platformServices gives one egress rule per service namespace, with its ports", async () => {
      const p = policy(
        await team({
          platformServices: [
            { namespace: "model-registry", ports: [8080] },
            { namespace: "feature-store", ports: [6566, 443] },
          ],
        }),
        "allow-platform-services",
      );
      assert.deepStrictEqual(input(p, "spec.egress"), [
        { to: [namespacesIn(["model-registry"])], ports: [{ protocol: "TCP", port: 8080 }] },
        {
          to: [namespacesIn(["feature-store"])],
          ports: [
            { protocol: "TCP", port: 6566 },
            { protocol: "TCP", port: 443 },
          ],
        },
      ]);
    });

    it("the options leave the other policies as they are", async () => {
      const [plain, changed] = await Promise.all([
        team(),
        team({ monitoringNamespaces: ["prometheus"], servingIngressNamespaces: ["gateway"], platformServices: [] }),
      ]);
      for (const name of [
        "default-deny",
        "allow-same-namespace",
        "allow-dns",
        "allow-gke-metadata",
        "allow-https-egress",
      ]) {
        assert.deepStrictEqual(input(policy(changed, name), "spec"), input(policy(plain, name), "spec"), name);
      }
    });

    it("Workload Identity bindings take Outputs", async () => {
      const result = await team({
        workloadIdentities: {
          training: pulumi.output("t@acme-test.iam.gserviceaccount.com"),
          serving: "s@acme-test.iam.gserviceaccount.com",
          pipelines: pulumi.output("p@acme-test.iam.gserviceaccount.com"),
        },
      });
      assert.strictEqual(
        input(one(result, SERVICE_ACCOUNT, "vision-training"), "metadata.annotations")?.[
          "iam.gke.io/gcp-service-account" as never
        ],
        "t@acme-test.iam.gserviceaccount.com",
      );
      assert.strictEqual(
        input(one(result, SERVICE_ACCOUNT, "vision-pipelines"), "metadata.annotations")?.[
          "iam.gke.io/gcp-service-account" as never
        ],
        "p@acme-test.iam.gserviceaccount.com",
      );
    });

    it("the component's dependsOn reaches every child", async () => {
      await assertDependsOnReachesChildren(COMPONENT, (opts) => {
        new TeamNamespace("vision", args(), opts);
      });
    });
  });

  describe("validation", () => {
    const refuses = (overrides: Partial<TeamNamespaceArgs>, message: RegExp) => async () => {
      await assert.rejects(team(overrides), (error: ProgramError) => {
        assert.ok(error instanceof ProgramError, "expected the program to fail");
        assert.match(error.message, /^TeamNamespace "vision": /);
        assert.match(error.message, message);
        assert.strictEqual(
          error.resources.filter((r) => r.type.startsWith("kubernetes:")).length,
          0,
          "no Kubernetes object is created",
        );
        assert.strictEqual(error.resources.filter((r) => r.type === NAMESPACE).length, 0);
        return true;
      });
    };

    it(
      "refuses a team name with upper case or underscores",
      refuses(
        { team: "Team_A" },
        /team: got "Team_A"; allowed: a team name: a lower-case letter, then letters, digits and '-', ending with a letter or digit, at most 30 characters \(its namespace is team-<name>\)/,
      ),
    );
    it(
      "refuses a team name that starts with a digit",
      refuses({ team: "1team" }, /team: got "1team"; allowed: a team name/),
    );
    it("refuses an empty team name", refuses({ team: "" }, /team: got ""; allowed: a team name/));
    it(
      "refuses a team name ending in a hyphen (namespace team-<name>- would be invalid)",
      refuses({ team: "ab-" }, /team: got "ab-"; allowed: a team name/),
    );
    it(
      "refuses a team name over 30 characters",
      refuses({ team: "a".repeat(31) }, /team: got "a{31}"; allowed: .* at most 30 characters/),
    );

    it("accepts a team name of exactly 30 characters", async () => {
      const result = await team({ team: "a".repeat(30) });
      assert.strictEqual(metadata(one(result, NAMESPACE)).name, `team-${"a".repeat(30)}`);
    });

    it(
      "refuses a negative GPU quota",
      refuses({ quota: { gpus: -1 } }, /quota\.gpus must be a whole number, at least 0 \(got -1\)/),
    );
    it(
      "refuses a fractional CPU quota",
      refuses({ quota: { cpu: 1.5 } }, /quota\.cpu must be a whole number, at least 0 \(got 1\.5\)/),
    );
    it(
      "refuses a fractional memory quota",
      refuses({ quota: { memoryGi: 0.5 } }, /quota\.memoryGi must be a whole number, at least 0 \(got 0\.5\)/),
    );
    it(
      "refuses a negative pod quota",
      refuses({ quota: { pods: -10 } }, /quota\.pods must be a whole number, at least 0 \(got -10\)/),
    );

    it("resolveTeamNamespaceArgs throws a ResourceError naming the component, without a cluster", () => {
      assert.throws(
        () => resolveTeamNamespaceArgs("vision", args({ quota: { gpus: 2.5 } })),
        (error: Error) => {
          assert.ok(error instanceof pulumi.ResourceError);
          assert.strictEqual(
            error.message,
            'TeamNamespace "vision": quota.gpus must be a whole number, at least 0 (got 2.5)',
          );
          return true;
        },
      );
    });
  });
});
