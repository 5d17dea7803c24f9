import * as assert from "node:assert";
import { applyOrder } from "../../../policies/governance/policies/apply-order";
import { ApplyGraph, nodesFromPlan } from "../../../policies/lib/analysis/apply-order/graph";
import { PACKS } from "../../../policies/lib/packs";
import { planFromRun } from "../../../scripts/lib/plan-document";
import { readStackPolicyConfig } from "../../../scripts/lib/policy-check";
import { evaluatePolicies } from "../../../scripts/lib/policy-engine";
import { dependingOn, messagesOf, planOf, type TestResource, urnOf } from "../../helpers/policy";
import { ROOT } from "../../helpers/run";
import { stackRun } from "../../helpers/stacks";

const SERVICE = "gcp:projects/service:Service";
const CLUSTER = "gcp:container/cluster:Cluster";
const WI = "gcp:serviceaccount/iAMMember:IAMMember";
const COMPONENT = "cnai:identity:WorkloadIdentity";

const api = (service: string): TestResource => ({
  type: SERVICE,
  name: service.split(".")[0],
  inputs: { project: "p", service },
});
const CONTAINER = api("container.googleapis.com");
const IAM = api("iam.googleapis.com");
const cluster: TestResource = {
  type: CLUSTER,
  name: "gke",
  inputs: { project: "p", workloadIdentityConfig: { workloadPool: "p.svc.id.goog" } },
  options: dependingOn(CONTAINER),
};
const member = (options: TestResource["options"], parent?: string): TestResource => ({
  type: WI,
  name: "wi-0",
  inputs: {
    serviceAccountId: "projects/p/serviceAccounts/t@p.iam.gserviceaccount.com",
    role: "roles/iam.workloadIdentityUser",
    member: "serviceAccount:p.svc.id.goog[team-a/training]",
  },
  options,
  parent,
});

describe("policy cnai-apply-order", () => {
  it("passes a Workload Identity grant that waits for the cluster and the APIs it calls", async () => {
    assert.deepStrictEqual(
      await messagesOf(applyOrder, [CONTAINER, IAM, cluster, member(dependingOn(IAM, cluster))]),
      [],
    );
  });

  it("flags a Workload Identity grant that does not depend on the cluster that creates its identity pool", async () => {
    const messages = await messagesOf(applyOrder, [CONTAINER, IAM, cluster, member(dependingOn(IAM))]);
    assert.strictEqual(messages.length, 1);
    assert.match(
      messages[0],
      /^wi-0 grants serviceAccount:p\.svc\.id\.goog\[team-a\/training\], whose identity pool p\.svc\.id\.goog exists only once gke is created, but does not depend on it\. Make the grant depend on the cluster/,
    );
  });

  it("follows parents: a grant inside a component that waits for the cluster is ordered after it (the SDK awaits the parent's registration)", async () => {
    const component: TestResource = {
      type: COMPONENT,
      name: "training-identity",
      inputs: {},
      options: dependingOn(IAM, cluster),
    };
    assert.deepStrictEqual(
      await messagesOf(applyOrder, [
        CONTAINER,
        IAM,
        cluster,
        component,
        member({}, urnOf(COMPONENT, "training-identity")),
      ]),
      [],
    );
  });

  it("follows input dependencies (propertyDependencies) as well as dependsOn", async () => {
    const grant = {
      ...member({}),
      propertyDependencies: { member: [urnOf(CLUSTER, "gke")], serviceAccountId: [urnOf(SERVICE, "iam")] },
    };
    assert.deepStrictEqual(await messagesOf(applyOrder, [CONTAINER, IAM, cluster, grant]), []);
  });

  it("flags a resource whose API the plan enables but does not wait for, and one the plan does not enable at all", async () => {
    const early: TestResource = { type: CLUSTER, name: "gke", inputs: { project: "p" } };
    const pubsubless: TestResource = { type: "gcp:pubsub/topic:Topic", name: "events", inputs: { project: "p" } };
    const messages = await messagesOf(applyOrder, [CONTAINER, early, pubsubless]);
    assert.deepStrictEqual(
      messages.map((m) => m.split(". ")[0]),
      [
        "gke (gcp:container/cluster:Cluster) calls container.googleapis.com but does not wait for container, which enables it",
        "events (gcp:pubsub/topic:Topic) calls pubsub.googleapis.com, which the plan does not enable in p",
      ],
    );
  });

  it("leaves APIs alone in a plan that enables none (they may be enabled outside the program)", async () => {
    assert.deepStrictEqual(
      await messagesOf(applyOrder, [{ type: CLUSTER, name: "gke", inputs: { project: "p" } }]),
      [],
    );
  });

  it("needs the Container File System API and the node account's Service Usage Consumer grant before an image-streaming pool", async () => {
    const pool = (options: TestResource["options"]): TestResource => ({
      type: "gcp:container/nodePool:NodePool",
      name: "gpu",
      inputs: {
        project: "p",
        nodeConfig: { gcfsConfig: { enabled: true }, serviceAccount: "nodes@p.iam.gserviceaccount.com" },
      },
      options,
    });
    const CRM = api("cloudresourcemanager.googleapis.com");
    const FS = api("containerfilesystem.googleapis.com");
    const grant: TestResource = {
      type: "gcp:projects/iAMMember:IAMMember",
      name: "consumer",
      inputs: {
        project: "p",
        role: "roles/serviceusage.serviceUsageConsumer",
        member: "serviceAccount:nodes@p.iam.gserviceaccount.com",
      },
      options: dependingOn(CRM),
    };
    assert.deepStrictEqual(
      await messagesOf(applyOrder, [CONTAINER, CRM, FS, grant, pool(dependingOn(CONTAINER, FS, grant))]),
      [],
    );
    const missing = await messagesOf(applyOrder, [CONTAINER, CRM, pool(dependingOn(CONTAINER))]);
    assert.deepStrictEqual(
      missing.map((m) => m.split(" (")[0].split(",")[0]),
      ["gpu", "gpu streams images"],
    );
    assert.match(missing[0], /calls containerfilesystem\.googleapis\.com, which the plan does not enable in p/);
    assert.match(missing[1], /which the plan does not grant roles\/serviceusage\.serviceUsageConsumer/);
  });

  it("needs the KMS key's grant to the service agent before a resource encrypted with it", async () => {
    const key: TestResource = { type: "gcp:kms/cryptoKey:CryptoKey", name: "key", inputs: { name: "k" } };
    const grant: TestResource = {
      type: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
      name: "key-user",
      inputs: {
        cryptoKeyId: "[unknown]",
        role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        member: "serviceAccount:service-1@gs-project-accounts.iam.gserviceaccount.com",
      },
      propertyDependencies: { cryptoKeyId: [urnOf("gcp:kms/cryptoKey:CryptoKey", "key")] },
    };
    const bucket = (options: TestResource["options"]): TestResource => ({
      type: "gcp:storage/bucket:Bucket",
      name: "raw",
      inputs: { encryption: { defaultKmsKeyName: "[unknown]" } },
      options,
      propertyDependencies: { encryption: [urnOf("gcp:kms/cryptoKey:CryptoKey", "key")] },
    });
    assert.deepStrictEqual(await messagesOf(applyOrder, [key, grant, bucket(dependingOn(grant))]), []);
    const [early] = await messagesOf(applyOrder, [key, grant, bucket({})]);
    assert.match(
      early,
      /^raw encrypts with a key whose grant to the gs-project-accounts service agent \(key-user\) is not created before it\./,
    );
    const [none] = await messagesOf(applyOrder, [key, bucket({})]);
    assert.match(
      none,
      /^raw encrypts with a key of the plan, but no grant of roles\/cloudkms\.cryptoKeyEncrypterDecrypter on that key \(or its key ring, or project\) to the gs-project-accounts service agent is in the plan\./,
    );
  });

  it("needs the service networking connection before a private-IP Cloud SQL instance", async () => {
    const network = "projects/p/global/networks/vpc";
    const connection: TestResource = {
      type: "gcp:servicenetworking/connection:Connection",
      name: "psa",
      inputs: { network },
    };
    const sql = (options: TestResource["options"]): TestResource => ({
      type: "gcp:sql/databaseInstance:DatabaseInstance",
      name: "db",
      inputs: { settings: { ipConfiguration: { privateNetwork: network } } },
      options,
    });
    assert.deepStrictEqual(await messagesOf(applyOrder, [connection, sql(dependingOn(connection))]), []);
    const [message] = await messagesOf(applyOrder, [connection, sql({})]);
    assert.match(
      message,
      /^db takes a private IP on a network whose service networking connection \(psa\) is not created before it\./,
    );
  });

  it("needs the bucket's grant to the service identity before a Cloud Run service that mounts it, and the image's repository first", async () => {
    const grant: TestResource = {
      type: "gcp:storage/bucketIAMMember:BucketIAMMember",
      name: "models-reader",
      inputs: {
        bucket: "models",
        role: "roles/storage.objectViewer",
        member: "serviceAccount:serving@p.iam.gserviceaccount.com",
      },
    };
    const repo: TestResource = {
      type: "gcp:artifactregistry/repository:Repository",
      name: "docker-hub",
      inputs: { project: "p", location: "us-central1", repositoryId: "hub" },
    };
    const run = (options: TestResource["options"]): TestResource => ({
      type: "gcp:cloudrunv2/service:Service",
      name: "chat",
      options,
      inputs: {
        template: {
          serviceAccount: "serving@p.iam.gserviceaccount.com",
          volumes: [{ name: "models", gcs: { bucket: "models", readOnly: true } }],
          containers: [{ image: "us-central1-docker.pkg.dev/p/hub/vllm/vllm-openai:v0.11.0" }],
        },
      },
    });
    assert.deepStrictEqual(await messagesOf(applyOrder, [grant, repo, run(dependingOn(grant, repo))]), []);
    const messages = await messagesOf(applyOrder, [grant, repo, run({})]);
    assert.deepStrictEqual(
      messages.map((m) => m.split(" ").slice(0, 2).join(" ")),
      ["chat mounts", "chat runs"],
    );
  });

  it("orders through the graph transitively and survives a dependency cycle", () => {
    const nodes = nodesFromPlan(planOf([CONTAINER, cluster, { ...member(dependingOn(cluster)), name: "a" }]).resources);
    const graph = new ApplyGraph(nodes);
    assert.ok(
      graph.isBefore(urnOf(SERVICE, "container"), urnOf(WI, "a")),
      "the API before the grant, through the cluster",
    );
    const cyclic = new ApplyGraph(
      nodesFromPlan(
        planOf([
          { type: CLUSTER, name: "x", inputs: {}, options: { dependsOn: [urnOf(CLUSTER, "y")] } },
          { type: CLUSTER, name: "y", inputs: {}, options: { dependsOn: [urnOf(CLUSTER, "x")] } },
        ]).resources,
      ),
    );
    assert.ok(cyclic.isBefore(urnOf(CLUSTER, "y"), urnOf(CLUSTER, "x")));
  });

  describe("on the shipped stacks", () => {
    for (const stack of ["dev", "staging", "prod"]) {
      for (const preview of [false, true]) {
        it(`passes the ${stack} plan${preview ? " in preview" : ""}`, async () => {
          const plan = planFromRun(await stackRun(stack, preview));
          const config = readStackPolicyConfig(ROOT, stack);
          const { violations } = await evaluatePolicies(plan, PACKS, config);
          assert.deepStrictEqual(
            violations.filter((v) => v.policy === "cnai-apply-order" || v.policy === "cnai-gcp-api-rules"),
            [],
          );
        });
      }
    }

    it("flags the prod plan once its Workload Identity grants no longer depend on the cluster (the defect of a first `pulumi up`)", async () => {
      const plan = planFromRun(await stackRun("prod"));
      const clusterUrn = plan.resources.find((r) => r.type === CLUSTER)!.urn;
      const broken = structuredClone(plan);
      const grants = broken.resources.filter((r) => r.type === WI && String(r.inputs.member).includes(".svc.id.goog["));
      assert.ok(grants.length >= 4);
      for (const grant of grants) grant.options.dependsOn = grant.options.dependsOn.filter((u) => u !== clusterUrn);
      const config = readStackPolicyConfig(ROOT, "prod");
      const { violations } = await evaluatePolicies(broken, PACKS, config);
      const flagged = violations.filter((v) => v.policy === "cnai-apply-order");
      // The query frontend's grant stays ordered another way: ManagedMonitoring waits for the Kueue chart,
      // which waits for the Kubernetes provider, which waits for the cluster (provider edges, graph.ts).
      // The trace collector's does not (Tracing waits for the APIs only; each namespace's objects wait
      // for their own namespace), so it is flagged with the others.
      const stillOrdered = grants.filter((g) => g.urn.includes("cnai:observability:ManagedMonitoring$"));
      assert.strictEqual(stillOrdered.length, 1);
      assert.deepStrictEqual(
        flagged.map((v) => v.urn).sort(),
        grants
          .filter((g) => !stillOrdered.includes(g))
          .map((g) => g.urn)
          .sort(),
      );
      assert.ok(
        flagged.every(
          (v) => v.enforcementLevel === "mandatory" && /identity pool acme-ml-prod\.svc\.id\.goog/.test(v.message),
        ),
      );
    });
  });
});
