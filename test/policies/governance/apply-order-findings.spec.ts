import * as assert from "node:assert";
import { HELM_CHARTS } from "../../../components/catalog/software";
import { applyOrderFindings } from "../../../policies/lib/analysis/apply-order/checks";
import type { PlanNode } from "../../../policies/lib/analysis/apply-order/graph";

/**
 * The apply-order checks case by case on plan nodes (the policy's wiring is in apply-order*.spec.ts):
 * for each prerequisite, the resource it serves admitted when it comes after it, refused when not, and
 * what does not count as the prerequisite. Each case's expectation is the documented prerequisite:
 * - APIs: Service Usage (SERVICE_DISABLED) in the resource's project, client-based APIs in the quota
 *   project (Google Cloud, "About the quota project"; terraform-provider-google user_project_override
 *   and billing_project);
 * - Workload Identity: GKE "Authenticate to Google Cloud APIs from GKE workloads" (the pool exists once
 *   a cluster with --workload-pool does); service agents Google creates on request (IAM "Service
 *   agents", google_project_service_identity);
 * - CMEK: each product's CMEK page (the service agent holds roles/cloudkms.cryptoKeyEncrypterDecrypter
 *   on the key before the resource is created; Cloud KMS "Access control with IAM": a grant on the
 *   ring or project is inherited by its keys);
 * - image streaming: GKE "Use Image streaming" (a custom node service account needs
 *   roles/serviceusage.serviceUsageConsumer);
 * - Cloud SQL private IP: "Configure private IP" (the service networking connection first);
 * - Pub/Sub BigQuery subscriptions: "BigQuery subscriptions" (the writer's BigQuery role on the
 *   table, dataset or project, checked at create; table ids `project.dataset.table` or
 *   `project:dataset.table`);
 * - Cloud Run: "Configure Cloud Storage volume mounts" (the service identity reads the bucket;
 *   roles/storage.objectViewer), Artifact Registry image paths `LOCATION-docker.pkg.dev/PROJECT/REPO/...`;
 * - Kubernetes: NamespaceLifecycle admission; CRDs and webhooks of a chart; GKE private clusters open
 *   only 443 and 10250 from the control plane ("Add firewall rules for specific use cases"); VPC
 *   firewall rules (direction INGRESS by default, `ports` absent means every port, ranges "a-b",
 *   protocol "all").
 */
type Props = Record<string, unknown>;
interface Options {
  dependsOn?: PlanNode[];
  parent?: PlanNode;
  provider?: PlanNode;
  from?: Record<string, PlanNode[]>;
}
const node = (type: string, name: string, props: Props, o: Options = {}): PlanNode => {
  const from = Object.fromEntries(Object.entries(o.from ?? {}).map(([k, v]) => [k, v.map((n) => n.urn)]));
  return {
    urn: `urn:pulumi:s::cnai-platform::${type}::${name}`,
    type,
    props,
    parent: o.parent?.urn,
    dependencies: [...(o.dependsOn ?? []).map((n) => n.urn), ...Object.values(from).flat()],
    propertyDependencies: from,
    provider: o.provider?.urn,
  };
};
/** Findings as `rule: message`. */
const findings = (...nodes: PlanNode[]) => applyOrderFindings(nodes).map((f) => `${f.rule}: ${f.message}`);
const rules = (...nodes: PlanNode[]) => applyOrderFindings(nodes).map((f) => f.rule);

const SERVICE = "gcp:projects/service:Service";
const api = (service: string, project?: string, name = `${project ?? "default"}-${service.split(".")[0]}`) =>
  node(SERVICE, name, { service, ...(project ? { project } : {}) });
const IAM_MEMBER = "gcp:projects/iAMMember:IAMMember";
const IAM_BINDING = "gcp:projects/iAMBinding:IAMBinding";

describe("apply-order findings", () => {
  describe("api-enabled", () => {
    const STORAGE = "storage.googleapis.com";
    const bucket = (props: Props, o: Options = {}) => node("gcp:storage/bucket:Bucket", "raw", props, o);

    it("wants the API in the resource's project, or its provider's, with the fix", () => {
      const [missing] = findings(api("compute.googleapis.com", "p"), bucket({ project: "p" }));
      assert.match(
        missing,
        /^api-enabled: raw \(gcp:storage\/bucket:Bucket\) calls storage\.googleapis\.com, which the plan does not enable in p\. Add storage\.googleapis\.com to the project's enabled services \(/,
      );
      const elsewhere = api(STORAGE, "q");
      assert.strictEqual(
        findings(api("compute.googleapis.com", "p"), elsewhere, bucket({ project: "p" }, { dependsOn: [elsewhere] }))
          .length,
        1,
      );
      const provider = node("pulumi:providers:gcp", "p-provider", { project: "p" });
      const inP = api(STORAGE, "p");
      assert.deepStrictEqual(findings(inP, provider, bucket({}, { provider, dependsOn: [inP] })), []);
      assert.match(
        findings(api("compute.googleapis.com", "p"), provider, bucket({}, { provider }))[0],
        /which the plan does not enable in p\./,
      );
      const [early] = findings(inP, provider, bucket({}, { provider }));
      assert.match(
        early,
        /^api-enabled: raw \(gcp:storage\/bucket:Bucket\) calls storage\.googleapis\.com but does not wait for p-storage, which enables it\. Give it dependsOn the API's projects\.Service \(or a component that holds it\)/,
      );
    });

    it("takes a Service without a project (the provider's default) for any project, and judges a resource without one", () => {
      const anywhere = api(STORAGE);
      const other = api("compute.googleapis.com", "p");
      assert.deepStrictEqual(findings(anywhere, other, bucket({ project: "p" }, { dependsOn: [anywhere] })), []);
      assert.deepStrictEqual(findings(anywhere, other, bucket({}, { dependsOn: [anywhere] })), []);
      const [unplaced] = findings(other, bucket({}));
      assert.match(unplaced, /calls storage\.googleapis\.com, which the plan does not enable\. Add/);
    });

    it("judges nothing in a project the plan enables no API in, nor when its Services name no project", () => {
      assert.deepStrictEqual(findings(api("compute.googleapis.com", "p"), bucket({ project: "q" })), []);
      assert.deepStrictEqual(findings(api("compute.googleapis.com"), bucket({ project: "p" })), []);
      assert.deepStrictEqual(findings(api("compute.googleapis.com"), bucket({})), []);
    });

    it("checks a client-based API in the billing project the provider sends, or its project when it sends no billing project", () => {
      const budget = (provider: PlanNode, dependsOn: PlanNode[] = []) =>
        node("gcp:billing/budget:Budget", "budget", { billingAccount: "0-0-0" }, { provider, dependsOn });
      const billing = node("pulumi:providers:gcp", "billing", {
        project: "p",
        billingProject: "q",
        userProjectOverride: true,
      });
      const inQ = api("billingbudgets.googleapis.com", "q");
      const inP = api("billingbudgets.googleapis.com", "p");
      assert.deepStrictEqual(findings(inQ, inP, billing, budget(billing, [inQ])), []);
      assert.match(findings(inQ, inP, billing, budget(billing, [inP]))[0], /does not wait for q-billingbudgets/);
      const noBilling = node("pulumi:providers:gcp", "own", { project: "p", userProjectOverride: "true" });
      assert.deepStrictEqual(findings(inP, noBilling, budget(noBilling, [inP])), []);
      assert.match(
        findings(api("compute.googleapis.com", "p"), noBilling, budget(noBilling))[0],
        /which the plan does not enable in p, the quota project its provider sends\./,
      );
      const off = node("pulumi:providers:gcp", "off", {
        project: "p",
        billingProject: "p",
        userProjectOverride: false,
      });
      assert.deepStrictEqual(findings(api("compute.googleapis.com", "p"), off, budget(off)), []);
    });
  });

  describe("workload-identity-pool and service-agent-exists", () => {
    const cluster = (pool?: string) =>
      node("gcp:container/cluster:Cluster", "gke", pool ? { workloadIdentityConfig: { workloadPool: pool } } : {});
    const grant = (member: string, dependsOn: PlanNode[] = []) =>
      node(IAM_MEMBER, "grant", { project: "acme", role: "roles/viewer", member }, { dependsOn });

    it("orders a Workload Identity grant only after a cluster with that pool", () => {
      const member = "serviceAccount:acme.svc.id.goog[team-a/runner]";
      assert.deepStrictEqual(rules(cluster("acme.svc.id.goog"), grant(member)), ["workload-identity-pool"]);
      assert.deepStrictEqual(rules(cluster("other.svc.id.goog"), grant(member)), []);
      assert.deepStrictEqual(rules(cluster(), grant("user:a@example.com")), []);
    });

    const agent = "serviceAccount:service-123@gcp-sa-pubsub.iam.gserviceaccount.com";
    const identity = (service: string) =>
      node("gcp:projects/serviceIdentity:ServiceIdentity", "pubsub-agent", { project: "acme", service });

    it("orders a grant to a service agent Google creates on request after its ServiceIdentity, with the fix", () => {
      const si = identity("pubsub.googleapis.com");
      assert.deepStrictEqual(findings(si, grant(agent, [si])), []);
      const [early] = findings(si, grant(agent));
      assert.match(
        early,
        /^service-agent-exists: grant grants serviceAccount:service-123@gcp-sa-pubsub\.iam\.gserviceaccount\.com, which exists only once pubsub-agent creates it, but does not wait for it\. Take the member from the ServiceIdentity's member output, or depend on it \(/,
      );
    });

    it("does not tie the grant to a ServiceIdentity of another API, nor a deleted principal, nor an agent Google always creates", () => {
      assert.deepStrictEqual(findings(identity("secretmanager.googleapis.com"), grant(agent)), []);
      // IAM "Principal identifiers": a deleted service account is `deleted:serviceAccount:EMAIL?uid=ID`.
      assert.deepStrictEqual(findings(identity("pubsub.googleapis.com"), grant(`deleted:${agent}?uid=123456789`)), []);
      assert.deepStrictEqual(
        findings(
          identity("pubsub.googleapis.com"),
          grant("serviceAccount:service-123@gs-project-accounts.iam.gserviceaccount.com"),
        ),
        [],
      );
    });
  });

  describe("cmek-grant", () => {
    const ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter";
    const AGENT = "serviceAccount:service-1@gs-project-accounts.iam.gserviceaccount.com";
    const RING = "projects/acme/locations/us/keyRings/data";
    const KEY = `${RING}/cryptoKeys/raw`;
    const ring = node("gcp:kms/keyRing:KeyRing", "ring", { name: "data", location: "us", project: "acme" });
    const key = node(
      "gcp:kms/cryptoKey:CryptoKey",
      "key",
      { name: "raw", keyRing: RING },
      { from: { keyRing: [ring] } },
    );
    const otherKey = node("gcp:kms/cryptoKey:CryptoKey", "other-key", { name: "logs", keyRing: RING });
    const keyGrant = (name: string, cryptoKeyId: string, o: Options = {}, member = AGENT, role = ROLE) =>
      node("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", name, { cryptoKeyId, role, member }, o);
    const bucket = (keyName: string, o: Options = {}) =>
      node("gcp:storage/bucket:Bucket", "raw", { encryption: { defaultKmsKeyName: keyName } }, o);

    it("wants the agent's grant on the key, by value or input dependency, before the resource, with the fix", () => {
      const byValue = keyGrant("by-value", KEY);
      assert.deepStrictEqual(findings(ring, key, byValue, bucket(KEY, { dependsOn: [byValue] })), []);
      const byDependency = keyGrant("by-dep", "[unknown]", { from: { cryptoKeyId: [key] } });
      assert.deepStrictEqual(
        findings(
          ring,
          key,
          byDependency,
          bucket("[unknown]", { from: { encryption: [key] }, dependsOn: [byDependency] }),
        ),
        [],
      );
      const [early] = findings(ring, key, byValue, bucket(KEY, { from: { encryption: [key] } }));
      assert.match(
        early,
        /^cmek-grant: raw encrypts with a key whose grant to the gs-project-accounts service agent \(by-value\) is not created before it\. Make the resource depend on the grant \(dependsOn the key's component\)/,
      );
    });

    it("does not count a grant on another key, of another role, or to another agent", () => {
      const cases: Array<[string, PlanNode]> = [
        ["another key by value", keyGrant("g", `${RING}/cryptoKeys/logs`)],
        ["another key by dependency", keyGrant("g", "[unknown]", { from: { cryptoKeyId: [otherKey] } })],
        ["another role", keyGrant("g", KEY, {}, AGENT, "roles/cloudkms.viewer")],
        ["another agent", keyGrant("g", KEY, {}, "serviceAccount:service-1@gcp-sa-pubsub.iam.gserviceaccount.com")],
        [
          "another role on the project",
          node(IAM_MEMBER, "g", { project: "acme", role: "roles/viewer", member: AGENT }),
        ],
      ];
      for (const [what, grant] of cases) {
        const [message] = findings(
          ring,
          key,
          otherKey,
          grant,
          bucket(KEY, { from: { encryption: [key] }, dependsOn: [grant] }),
        );
        assert.match(
          message ?? "",
          /^cmek-grant: raw encrypts with a key of the plan, but no grant of roles\/cloudkms\.cryptoKeyEncrypterDecrypter on that key \(or its key ring, or project\) to the gs-project-accounts service agent is in the plan\. Grant the service agent the role on the key, and make the resource depend on the grant/,
          what,
        );
      }
    });

    it("takes a grant on the key's ring (from the key's keyRing, or the key's id) or its project", () => {
      const onRing = node("gcp:kms/keyRingIAMMember:KeyRingIAMMember", "ring-grant", {
        keyRingId: RING,
        role: ROLE,
        member: AGENT,
      });
      // The key known only by its URN: its ring from the plan's key.
      assert.deepStrictEqual(
        findings(ring, key, onRing, bucket("[unknown]", { from: { encryption: [key] }, dependsOn: [onRing] })),
        [],
      );
      // A key from outside the plan, known by its id: its ring from the id.
      assert.deepStrictEqual(findings(onRing, bucket(KEY, { dependsOn: [onRing] })), []);
      assert.deepStrictEqual(rules(onRing, bucket(KEY)), ["cmek-grant"]);
      const onProject = node(IAM_BINDING, "project-grant", { project: "acme", role: ROLE, members: [AGENT] });
      assert.deepStrictEqual(findings(onProject, bucket(KEY, { dependsOn: [onProject] })), []);
      assert.deepStrictEqual(
        findings(ring, key, onProject, bucket("[unknown]", { from: { encryption: [key] }, dependsOn: [onProject] })),
        [],
      );
    });

    it("leaves a key from outside the plan with no grant in the plan alone", () => {
      assert.deepStrictEqual(findings(bucket(KEY)), []);
      // Another stack's key, read through a StackReference: not a key of the plan.
      const stack = node("pulumi:pulumi:StackReference", "security", { name: "acme/security/prod" });
      assert.deepStrictEqual(findings(stack, bucket("[unknown]", { from: { encryption: [stack] } })), []);
      assert.deepStrictEqual(findings(node("gcp:storage/bucket:Bucket", "plain", { location: "US" })), []);
    });
  });

  describe("image-streaming-consumer", () => {
    const SA = "nodes@acme.iam.gserviceaccount.com";
    const ROLE = "roles/serviceusage.serviceUsageConsumer";
    const account = node("gcp:serviceaccount/account:Account", "nodes", { accountId: "nodes" });
    const pool = (nodeConfig: Props, o: Options = {}) =>
      node(
        "gcp:container/nodePool:NodePool",
        "gpu",
        { nodeConfig: { gcfsConfig: { enabled: true }, ...nodeConfig } },
        o,
      );
    const consumer = (props: Props, o: Options = {}, type = IAM_MEMBER) =>
      node(type, "consumer", { project: "acme", role: ROLE, ...props }, o);

    it("wants the node service account's Service Usage Consumer grant before the pool, with the fix", () => {
      const grant = consumer({ member: `serviceAccount:${SA}` });
      assert.deepStrictEqual(findings(grant, pool({ serviceAccount: SA }, { dependsOn: [grant] })), []);
      const binding = consumer({ members: [`serviceAccount:${SA}`] }, {}, IAM_BINDING);
      assert.deepStrictEqual(findings(binding, pool({ serviceAccount: SA }, { dependsOn: [binding] })), []);
      const [early] = findings(grant, pool({ serviceAccount: SA }));
      assert.match(
        early,
        /^image-streaming-consumer: gpu streams images but is not created after consumer, the node service account's Service Usage Consumer grant\. Make the pool depend on the grant \(/,
      );
      const [none] = findings(pool({ serviceAccount: SA }));
      assert.match(
        none,
        /^image-streaming-consumer: gpu streams images \(gcfsConfig\) with node service account nodes@acme\.iam\.gserviceaccount\.com, which the plan does not grant roles\/serviceusage\.serviceUsageConsumer\. Grant the node service account the role on the project, before the pool/,
      );
    });

    it("follows an account of the plan by input dependency", () => {
      const grant = consumer({ member: "[unknown]" }, { from: { member: [account] } });
      assert.deepStrictEqual(
        findings(
          account,
          grant,
          pool({ serviceAccount: "[unknown]" }, { from: { nodeConfig: [account] }, dependsOn: [grant] }),
        ),
        [],
      );
      assert.match(
        findings(account, pool({ serviceAccount: "[unknown]" }, { from: { nodeConfig: [account] } }))[0],
        /with node service account \(from the plan\), which the plan does not grant/,
      );
    });

    it("does not count another role, another account, or a grant from another account", () => {
      const other = node("gcp:serviceaccount/account:Account", "other", { accountId: "other" });
      const cases: Array<[string, PlanNode]> = [
        ["another role", consumer({ role: "roles/viewer", member: `serviceAccount:${SA}` })],
        ["another account", consumer({ member: "serviceAccount:other@acme.iam.gserviceaccount.com" })],
        ["from another account", consumer({ member: "[unknown]" }, { from: { member: [other] } })],
      ];
      for (const [what, grant] of cases)
        assert.deepStrictEqual(
          rules(
            other,
            account,
            grant,
            pool({ serviceAccount: SA }, { from: { nodeConfig: [account] }, dependsOn: [grant] }),
          ),
          ["image-streaming-consumer"],
          what,
        );
    });

    it("judges only pools that stream images with a custom node service account", () => {
      assert.deepStrictEqual(findings(pool({})), []);
      assert.deepStrictEqual(findings(pool({ gcfsConfig: { enabled: false }, serviceAccount: SA })), []);
    });
  });

  describe("service-networking", () => {
    const NETWORK = "projects/acme/global/networks/vpc";
    const vpc = node("gcp:compute/network:Network", "vpc", { name: "vpc" });
    const vpcB = node("gcp:compute/network:Network", "vpc-b", { name: "vpc-b" });
    const connection = (name: string, network: string, o: Options = {}) =>
      node(
        "gcp:servicenetworking/connection:Connection",
        name,
        { network, service: "servicenetworking.googleapis.com" },
        o,
      );
    const sql = (ipConfiguration: Props, o: Options = {}) =>
      node("gcp:sql/databaseInstance:DatabaseInstance", "db", { settings: { ipConfiguration } }, o);

    it("orders a private-IP instance after its own network's connection, by value or input dependency, with the fix", () => {
      const own = connection("own", NETWORK);
      const other = connection("other", "projects/acme/global/networks/vpc-b");
      assert.deepStrictEqual(findings(own, other, sql({ privateNetwork: NETWORK }, { dependsOn: [own] })), []);
      const [early] = findings(own, other, sql({ privateNetwork: NETWORK }, { dependsOn: [other] }));
      assert.match(
        early,
        /^service-networking: db takes a private IP on a network whose service networking connection \(own\) is not created before it\. Make the instance depend on the connection \(/,
      );
      const ownByDep = connection("own", "[unknown]", { from: { network: [vpc] } });
      const otherByDep = connection("other", "[unknown]", { from: { network: [vpcB] } });
      const instance = (dependsOn: PlanNode[]) =>
        sql({ privateNetwork: "[unknown]" }, { from: { settings: [vpc] }, dependsOn });
      assert.deepStrictEqual(findings(vpc, vpcB, ownByDep, otherByDep, instance([ownByDep])), []);
      assert.deepStrictEqual(rules(vpc, vpcB, ownByDep, otherByDep, instance([otherByDep])), ["service-networking"]);
    });

    it("leaves a public-IP instance alone", () => {
      assert.deepStrictEqual(findings(connection("own", NETWORK), sql({ ipv4Enabled: true })), []);
      assert.deepStrictEqual(
        findings(connection("own", NETWORK), sql({ ipv4Enabled: true, privateNetwork: null })),
        [],
      );
    });
  });

  describe("pubsub-bigquery-writer", () => {
    const AGENT = "serviceAccount:service-1@gcp-sa-pubsub.iam.gserviceaccount.com";
    const ROLE = "roles/bigquery.dataEditor";
    const dataset = node("gcp:bigquery/dataset:Dataset", "ml", { project: "acme", datasetId: "ml" });
    const table = node(
      "gcp:bigquery/table:Table",
      "events",
      { project: "acme", datasetId: "ml", tableId: "events" },
      { from: { datasetId: [dataset] } },
    );
    const otherTable = node("gcp:bigquery/table:Table", "other-events", {
      project: "acme",
      datasetId: "raw",
      tableId: "events",
    });
    const clicks = node("gcp:bigquery/table:Table", "clicks", { project: "acme", datasetId: "ml", tableId: "clicks" });
    const tableGrant = (props: Props, o: Options = {}) =>
      node("gcp:bigquery/iamMember:IamMember", "writer", { project: "acme", role: ROLE, member: AGENT, ...props }, o);
    const subscription = (bigqueryConfig: Props, o: Options = {}) =>
      node("gcp:pubsub/subscription:Subscription", "to-bq", { topic: "t", bigqueryConfig }, o);

    it("matches the table by `project.dataset.table` or `project:dataset.table`, and the grant on it before the subscription", () => {
      const grant = tableGrant({ datasetId: "ml", tableId: "events" });
      for (const ref of ["acme.ml.events", "acme:ml.events"]) {
        assert.deepStrictEqual(
          findings(dataset, table, otherTable, grant, subscription({ table: ref }, { dependsOn: [grant] })),
          [],
          ref,
        );
        const [early] = findings(dataset, table, otherTable, grant, subscription({ table: ref }));
        assert.match(
          early,
          /^pubsub-bigquery-writer: to-bq writes to BigQuery as the Pub\/Sub service agent but is not created after writer, the grant Pub\/Sub checks when it creates the subscription\. Make the subscription depend on the grant \(/,
          ref,
        );
      }
    });

    it("does not count a grant on the same table id in another dataset, of another role, or on another project", () => {
      const cases: Array<[string, PlanNode]> = [
        ["another dataset", tableGrant({ datasetId: "raw", tableId: "events" })],
        [
          "another table by dependency",
          tableGrant({ datasetId: "[unknown]", tableId: "[unknown]" }, { from: { tableId: [otherTable] } }),
        ],
        [
          "another table of the dataset by dependency",
          tableGrant({ datasetId: "[unknown]", tableId: "[unknown]" }, { from: { tableId: [clicks] } }),
        ],
        ["another role", tableGrant({ datasetId: "ml", tableId: "events", role: "roles/bigquery.dataViewer" })],
        ["another project", node(IAM_MEMBER, "writer", { project: "other", role: ROLE, member: AGENT })],
        [
          "another dataset grant",
          node("gcp:bigquery/datasetIamMember:DatasetIamMember", "writer", {
            datasetId: "raw",
            role: ROLE,
            member: AGENT,
          }),
        ],
      ];
      for (const [what, grant] of cases) {
        const [message] = findings(
          dataset,
          table,
          otherTable,
          clicks,
          grant,
          subscription({ table: "acme.ml.events" }, { dependsOn: [grant] }),
        );
        assert.match(
          message ?? "",
          /^pubsub-bigquery-writer: to-bq writes to BigQuery table acme\.ml\.events as the Pub\/Sub service agent, which the plan does not grant roles\/bigquery\.dataEditor on the table, its dataset or project\. Grant the writer the role on the table, and make the subscription depend on the grant/,
          what,
        );
      }
    });

    it("takes a grant on the table without a dataset, by dependency, on the dataset by dependency, or on the project", () => {
      const cases: Array<[string, PlanNode]> = [
        ["table, no dataset named", tableGrant({ tableId: "events" })],
        ["table by dependency", tableGrant({ datasetId: "ml", tableId: "[unknown]" }, { from: { tableId: [table] } })],
        [
          "dataset by dependency",
          node(
            "gcp:bigquery/datasetIamMember:DatasetIamMember",
            "writer",
            { datasetId: "[unknown]", role: ROLE, member: AGENT },
            { from: { datasetId: [dataset] } },
          ),
        ],
        ["project member", node(IAM_MEMBER, "writer", { project: "acme", role: ROLE, member: AGENT })],
        ["project binding", node(IAM_BINDING, "writer", { project: "acme", role: ROLE, members: [AGENT] })],
      ];
      for (const [what, grant] of cases)
        assert.deepStrictEqual(
          findings(
            dataset,
            table,
            otherTable,
            grant,
            subscription({ table: "acme.ml.events" }, { dependsOn: [grant] }),
          ),
          [],
          what,
        );
      // The table from the plan's output (its id unknown during preview), the grant's too.
      const grant = tableGrant({ datasetId: "[unknown]", tableId: "[unknown]" }, { from: { tableId: [table] } });
      assert.deepStrictEqual(
        findings(
          dataset,
          table,
          grant,
          subscription({ table: "[unknown]" }, { from: { bigqueryConfig: [table] }, dependsOn: [grant] }),
        ),
        [],
      );
      // ... or the grant naming the plan's table by its ids.
      for (const [what, byIds] of [
        ["table", tableGrant({ datasetId: "ml", tableId: "events" })],
        [
          "dataset",
          node("gcp:bigquery/datasetIamMember:DatasetIamMember", "writer", {
            datasetId: "ml",
            role: ROLE,
            member: AGENT,
          }),
        ],
        ["project", node(IAM_MEMBER, "writer", { project: "acme", role: ROLE, member: AGENT })],
      ] as const)
        assert.deepStrictEqual(
          findings(
            dataset,
            table,
            byIds,
            subscription({ table: "[unknown]" }, { from: { bigqueryConfig: [table] }, dependsOn: [byIds] }),
          ),
          [],
          what,
        );
      assert.deepStrictEqual(
        rules(
          dataset,
          table,
          otherTable,
          tableGrant({ datasetId: "raw", tableId: "events" }),
          subscription({ table: "[unknown]" }, { from: { bigqueryConfig: [table] } }),
        ),
        ["pubsub-bigquery-writer"],
        "the same table id in another dataset",
      );
      assert.match(
        findings(dataset, table, subscription({ table: "[unknown]" }, { from: { bigqueryConfig: [table] } }))[0],
        /writes to BigQuery table events as the Pub\/Sub service agent, which the plan does not grant/,
      );
    });

    it("takes the ids the reference names over the plan table's, and a grant naming a dataset when the table's is unknown", () => {
      // The plan's table in the provider's default project: the reference names the project.
      const unplaced = node("gcp:bigquery/table:Table", "events", { datasetId: "ml", tableId: "events" });
      const onProject = node(IAM_MEMBER, "writer", { project: "acme", role: ROLE, member: AGENT });
      assert.deepStrictEqual(
        findings(unplaced, onProject, subscription({ table: "acme.ml.events" }, { dependsOn: [onProject] })),
        [],
      );
      // The table's dataset from the plan's Dataset (unknown in preview), the grant naming it.
      const inUnknownDataset = node(
        "gcp:bigquery/table:Table",
        "events",
        { project: "acme", datasetId: "[unknown]", tableId: "events" },
        { from: { datasetId: [dataset] } },
      );
      const grant = tableGrant({ datasetId: "ml", tableId: "[unknown]" }, { from: { tableId: [inUnknownDataset] } });
      assert.deepStrictEqual(
        findings(
          dataset,
          inUnknownDataset,
          grant,
          subscription({ table: "[unknown]" }, { from: { bigqueryConfig: [inUnknownDataset] }, dependsOn: [grant] }),
        ),
        [],
      );
    });

    it("wants the grant to the subscription's own service account when it names one", () => {
      const grant = tableGrant({ datasetId: "ml", tableId: "events" });
      const [message] = findings(
        dataset,
        table,
        grant,
        subscription(
          { table: "acme.ml.events", serviceAccountEmail: "writer@acme.iam.gserviceaccount.com" },
          { dependsOn: [grant] },
        ),
      );
      assert.match(message, /as writer@acme\.iam\.gserviceaccount\.com, which the plan does not grant/);
    });

    it("leaves a table from outside the plan, and a subscription that does not write to BigQuery, alone", () => {
      assert.deepStrictEqual(findings(subscription({ table: "other.ds.t" })), []);
      assert.deepStrictEqual(findings(table, node("gcp:pubsub/subscription:Subscription", "pull", { topic: "t" })), []);
    });
  });

  describe("Cloud Run", () => {
    const SA = "serving@acme.iam.gserviceaccount.com";
    const models = node("gcp:storage/bucket:Bucket", "models", { name: "acme-models", location: "US" });
    const logs = node("gcp:storage/bucket:Bucket", "logs", { name: "acme-logs", location: "US" });
    const bucketGrant = (props: Props, o: Options = {}) =>
      node(
        "gcp:storage/bucketIAMMember:BucketIAMMember",
        "reader",
        { bucket: "acme-models", role: "roles/storage.objectViewer", member: `serviceAccount:${SA}`, ...props },
        o,
      );
    const service = (template: Props, o: Options = {}) =>
      node(
        "gcp:cloudrunv2/service:Service",
        "chat",
        {
          template: {
            serviceAccount: SA,
            healthCheckDisabled: true,
            volumes: [{ name: "models", gcs: { bucket: "acme-models", readOnly: true } }],
            ...template,
          },
        },
        o,
      );
    const ACCESS =
      /^cloud-run-volume-access: chat mounts bucket acme-models, which the plan does not let its identity serving@acme\.iam\.gserviceaccount\.com read\. Grant the service identity roles\/storage\.objectViewer on the bucket, and make the service depend on the grant/;

    it("wants the identity's grant on the bucket before the service, with the fix", () => {
      const grant = bucketGrant({});
      assert.deepStrictEqual(findings(models, grant, service({}, { dependsOn: [grant] })), []);
      const [early] = findings(models, grant, service({}));
      assert.match(
        early,
        /^cloud-run-volume-access: chat mounts bucket acme-models but is not created after its grant to the service identity \(reader\)\. Make the service depend on the bucket's IAM grant \(dependsOn the bucket's component\)/,
      );
    });

    it("does not count a grant on another bucket, to another identity, an object in the bucket, or another project role", () => {
      const cases: Array<[string, PlanNode]> = [
        ["another bucket by name", bucketGrant({ bucket: "acme-logs" })],
        ["another bucket by dependency", bucketGrant({ bucket: "[unknown]" }, { from: { bucket: [logs] } })],
        ["another identity", bucketGrant({ member: "serviceAccount:other@acme.iam.gserviceaccount.com" })],
        ["an object", node("gcp:storage/bucketObject:BucketObject", "reader", { bucket: "acme-models", name: "a" })],
        [
          "another role on the project",
          node(IAM_MEMBER, "reader", { project: "acme", role: "roles/viewer", member: `serviceAccount:${SA}` }),
        ],
      ];
      for (const [what, grant] of cases)
        assert.match(findings(models, logs, grant, service({}, { dependsOn: [grant] }))[0] ?? "", ACCESS, what);
    });

    it("takes a storage reader role on the project, a binding included", () => {
      const binding = node(IAM_BINDING, "reader", {
        project: "acme",
        role: "roles/storage.objectViewer",
        members: [`serviceAccount:${SA}`],
      });
      assert.deepStrictEqual(findings(models, binding, service({}, { dependsOn: [binding] })), []);
    });

    it("follows a bucket known by its URN (name unknown in preview), and any grant when the identity is unknown", () => {
      const grant = bucketGrant({ bucket: "[unknown]", member: "[unknown]" }, { from: { bucket: [models] } });
      const unnamed = (o: Options) =>
        service(
          { serviceAccount: "[unknown]", volumes: [{ name: "m", gcs: { bucket: "[unknown]" } }] },
          { ...o, from: { template: [models] } },
        );
      assert.deepStrictEqual(findings(models, grant, unnamed({ dependsOn: [grant] })), []);
      assert.match(
        findings(models, unnamed({}))[0],
        /^cloud-run-volume-access: chat mounts bucket models, which the plan does not let its identity \(from the plan\) read\./,
      );
    });

    it("ignores input dependencies on resources the plan does not have (another stack's, by reference)", () => {
      const external = node("gcp:storage/bucket:Bucket", "shared", { name: "shared-models" });
      assert.deepStrictEqual(
        findings(
          service({ volumes: [{ name: "m", gcs: { bucket: "[unknown]" } }] }, { from: { template: [external] } }),
        ),
        [],
      );
    });

    it("takes any member's grant when the identity is unknown, but only on the mounted bucket, by name or dependency", () => {
      const unnamed = (o: Options) =>
        service(
          { serviceAccount: "[unknown]", volumes: [{ name: "m", gcs: { bucket: "[unknown]" } }] },
          { ...o, from: { template: [models] } },
        );
      const someone = bucketGrant({ bucket: "[unknown]" }, { from: { bucket: [models] } });
      assert.deepStrictEqual(findings(models, someone, unnamed({ dependsOn: [someone] })), []);
      const onLogs = bucketGrant({ bucket: "[unknown]" }, { from: { bucket: [logs] } });
      assert.deepStrictEqual(rules(models, logs, onLogs, unnamed({ dependsOn: [onLogs] })), [
        "cloud-run-volume-access",
      ]);
      const byDependency = bucketGrant({ bucket: "[unknown]" }, { from: { bucket: [models] } });
      assert.deepStrictEqual(findings(models, byDependency, service({}, { dependsOn: [byDependency] })), []);
    });

    it("leaves a bucket from outside the plan, and volumes that are not buckets, alone", () => {
      assert.deepStrictEqual(findings(service({ volumes: [{ name: "m", gcs: { bucket: "shared-models" } }] })), []);
      assert.deepStrictEqual(
        findings(
          models,
          service(
            { volumes: [{ name: "sql", cloudSqlInstance: { instances: ["acme:us:db"] } }] },
            { from: { template: [models] } },
          ),
        ),
        [],
      );
    });

    it("wants the objects of a bucket the plan creates written before a service that starts at deploy", () => {
      const grant = bucketGrant({});
      const object = (bucket: string, name = "config") =>
        node("gcp:storage/bucketObject:BucketObject", name, { bucket, name: "c.json" });
      const starting = (dependsOn: PlanNode[]) =>
        service({ healthCheckDisabled: false }, { dependsOn: [grant, ...dependsOn] });
      const own = object("acme-models");
      assert.deepStrictEqual(findings(models, grant, own, starting([own])), []);
      const empty =
        /^cloud-run-volume-content: chat starts its revision at deploy .* reads bucket acme-models, which the plan creates empty: .* Set template\.healthCheckDisabled \(instances still wait on their startup probe\), or write the objects in the plan before the service/;
      assert.match(findings(models, grant, own, starting([]))[0], empty, "not before");
      const elsewhere = object("acme-logs");
      assert.match(findings(models, logs, grant, elsewhere, starting([elsewhere]))[0], empty, "another bucket");
    });

    it("orders a service after the Artifact Registry repository its image comes from, with the fix", () => {
      const repo = node("gcp:artifactregistry/repository:Repository", "images", {
        repositoryId: "images",
        location: "us-central1",
        project: "acme",
        format: "DOCKER",
      });
      const image = "us-central1-docker.pkg.dev/acme/images/vllm:v1";
      const run = (image: string, dependsOn: PlanNode[] = []) =>
        service({ volumes: [], containers: [{ image }, { image: "[unknown]" }] }, { dependsOn });
      assert.deepStrictEqual(findings(repo, run(image, [repo])), []);
      assert.deepStrictEqual(findings(run(image)), []);
      const [early] = findings(repo, run(image));
      assert.match(
        early,
        /^cloud-run-image-repository: chat runs us-central1-docker\.pkg\.dev\/acme\/images\/vllm:v1 from repository images, which is not created before it\. Make the service depend on the repository \(/,
      );
      for (const other of [
        "vllm/vllm-openai:v0.11.0",
        "us-central1-docker.pkg.dev/acme/other/vllm:v1",
        "europe-docker.pkg.dev/acme/images/vllm:v1",
      ])
        assert.deepStrictEqual(findings(repo, run(other)), [], other);
      const unknownProject = node("gcp:artifactregistry/repository:Repository", "images", {
        repositoryId: "images",
        location: "us-central1",
        project: "[unknown]",
      });
      assert.deepStrictEqual(findings(unknownProject, run(image)), []);
    });
  });

  describe("Kubernetes", () => {
    const ns = (name: string) => node("kubernetes:core/v1:Namespace", `${name}-ns`, { metadata: { name } });
    const chart = (name: string, ref: { chart: string; repo?: string }, namespace: string, o: Options = {}) =>
      node(
        "kubernetes:helm.sh/v4:Chart",
        name,
        { chart: ref.chart, namespace, ...(ref.repo ? { repositoryOpts: { repo: ref.repo } } : {}) },
        o,
      );

    it("orders a Helm v3 Release after the Namespace it installs into, with the fix", () => {
      const kueueNs = ns("kueue-system");
      const release = (dependsOn: PlanNode[]) =>
        node(
          "kubernetes:helm.sh/v3:Release",
          "kueue",
          { chart: "other", namespace: "kueue-system", metadata: {} },
          { dependsOn },
        );
      assert.deepStrictEqual(findings(kueueNs, release([kueueNs])), []);
      assert.match(
        findings(kueueNs, release([]))[0],
        /^kubernetes-namespace: kueue is created in namespace kueue-system, but not after kueue-system-ns, which creates it\. Make it depend on the Namespace \(dependsOn, or take metadata\.namespace from the Namespace's output\)/,
      );
    });

    it("does not tie a cluster-scoped object to a Namespace whose name is unknown", () => {
      const unnamed = node("kubernetes:core/v1:Namespace", "generated", { metadata: { name: "[unknown]" } });
      assert.deepStrictEqual(
        findings(
          unnamed,
          node("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "reader", { metadata: { name: "reader" } }),
        ),
        [],
      );
    });

    it("orders an object of a chart's API group after the chart, with the fix, and judges no chart the table does not know", () => {
      const kuberay = chart("kuberay", HELM_CHARTS.kuberayOperator, "ray");
      const rayService = (dependsOn: PlanNode[]) =>
        node("kubernetes:ray.io/v1:RayService", "llm", { metadata: { name: "llm" } }, { dependsOn });
      assert.deepStrictEqual(findings(kuberay, rayService([kuberay])), []);
      assert.match(
        findings(kuberay, rayService([]))[0],
        /^kubernetes-api-group: llm \(ray\.io\) is not created after kuberay, the chart that installs that API group's CRDs or admission webhooks\. Make it depend on the chart/,
      );
      // The same chart name from another repository is another chart.
      const fork = chart(
        "kuberay",
        { chart: HELM_CHARTS.kuberayOperator.chart, repo: "https://charts.example.com/" },
        "ray",
      );
      assert.deepStrictEqual(findings(fork, rayService([])), []);
      assert.deepStrictEqual(
        findings(chart("mine", { chart: "oci://example.com/charts/mine" }, "ray"), rayService([])),
        [],
      );
    });

    describe("control-plane-webhook-port", () => {
      const MASTER = "172.16.0.0/28";
      const cluster = (masterIpv4CidrBlock: string, name = "gke") =>
        node("gcp:container/cluster:Cluster", name, {
          privateClusterConfig: { enablePrivateNodes: true, masterIpv4CidrBlock },
        });
      const firewall = (props: Props, name = "webhooks") =>
        node("gcp:compute/firewall:Firewall", name, {
          network: "vpc",
          sourceRanges: [MASTER],
          allows: [{ protocol: "tcp", ports: ["9443", "8082"] }],
          ...props,
        });
      // Kueue's webhook Service targets 9443 and its visibility API 8082 (kueue charts/kueue values.yaml, visibility/service.yaml).
      const kueue = (dependsOn: PlanNode[]) => chart("kueue", HELM_CHARTS.kueue, "kueue-system", { dependsOn });
      const closed = (...nodes: PlanNode[]) =>
        applyOrderFindings(nodes)
          .filter((f) => f.rule === "control-plane-webhook-port")
          .map((f) => /on TCP ([\d, ]+) \(/.exec(f.message)?.[1]);

      it("passes a chart created after an INGRESS rule from the control plane range that opens its ports", () => {
        const rule = firewall({});
        assert.deepStrictEqual(closed(cluster(MASTER), rule, kueue([rule])), []);
        const defaults = firewall({ direction: undefined });
        assert.deepStrictEqual(closed(cluster(MASTER), defaults, kueue([defaults])), [], "INGRESS by default");
      });

      it("names the ports still closed, what serves them, the control plane range and the fix", () => {
        const only9443 = firewall({ allows: [{ protocol: "tcp", ports: ["9443"] }] });
        const [message] = applyOrderFindings([cluster(MASTER), only9443, kueue([only9443])]).map((f) => f.message);
        assert.match(
          message,
          /^kueue serves the control plane on TCP 8082 \(8082: the visibility API .*\), which no firewall rule from the private cluster's control plane range \(172\.16\.0\.0\/28\) created before it opens: its webhooks time out and its APIs stay unavailable\. Add an INGRESS firewall rule from the control plane range to the nodes for these ports, and create the chart after it \(the Kubernetes provider's dependsOn\)/,
        );
        assert.doesNotMatch(message, /9443/);
        const [unknownRange] = applyOrderFindings([cluster("[unknown]"), cluster(MASTER, "gke-2"), kueue([])]).map(
          (f) => f.message,
        );
        assert.match(unknownRange, /control plane range \(172\.16\.0\.0\/28\) created before it/);
        const [twoRanges] = applyOrderFindings([cluster(MASTER), cluster("172.16.0.16/28", "gke-2"), kueue([])]).map(
          (f) => f.message,
        );
        assert.match(twoRanges, /control plane range \(172\.16\.0\.0\/28, 172\.16\.0\.16\/28\) created before it/);
        const [noRange] = applyOrderFindings([cluster("[unknown]"), kueue([])]).map((f) => f.message);
        assert.match(noRange, /control plane range \(unknown\) created before it/);
      });

      it("does not count a rule that is EGRESS, disabled, from another range, not before the chart, or opens other ports", () => {
        const cases: Array<[string, Props]> = [
          ["EGRESS", { direction: "EGRESS" }],
          ["disabled", { disabled: true }],
          ["another range", { sourceRanges: ["10.0.0.0/8"] }],
          ["udp", { allows: [{ protocol: "udp", ports: ["9443", "8082"] }] }],
          ["a range below", { allows: [{ protocol: "tcp", ports: ["9444-9500", "8083-8090"] }] }],
          ["a range above", { allows: [{ protocol: "tcp", ports: ["9000-9442", "8000-8081"] }] }],
        ];
        for (const [what, props] of cases) {
          const rule = firewall(props);
          assert.deepStrictEqual(closed(cluster(MASTER), rule, kueue([rule])), ["9443, 8082"], what);
        }
        assert.deepStrictEqual(closed(cluster(MASTER), firewall({}), kueue([])), ["9443, 8082"], "not before");
      });

      it("counts a rule with any range from the control plane (or one unknown), every TCP port, protocol all, port ranges, any of its allows", () => {
        const cases: Array<[string, Props]> = [
          ["ranges include the control plane", { sourceRanges: ["10.0.0.0/8", MASTER] }],
          ["range unknown", { sourceRanges: ["[unknown]"] }],
          ["no ranges", { sourceRanges: undefined }],
          ["tcp, every port", { allows: [{ protocol: "tcp" }] }],
          ["tcp, empty ports", { allows: [{ protocol: "tcp", ports: [] }] }],
          ["all", { allows: [{ protocol: "all" }] }],
          ["ranges at the bounds", { allows: [{ protocol: "tcp", ports: ["8082-9443"] }] }],
          [
            "second allow",
            {
              allows: [
                { protocol: "udp", ports: ["53"] },
                { protocol: "tcp", ports: ["9443", "8082"] },
              ],
            },
          ],
        ];
        for (const [what, props] of cases) {
          const rule = firewall(props);
          assert.deepStrictEqual(closed(cluster(MASTER), rule, kueue([rule])), [], what);
        }
      });

      it("judges nothing without a private cluster, nor a chart the table does not know", () => {
        assert.deepStrictEqual(closed(node("gcp:container/cluster:Cluster", "public", {}), kueue([])), []);
        assert.deepStrictEqual(
          closed(cluster(MASTER), chart("mine", { chart: "oci://example.com/charts/mine" }, "x")),
          [],
        );
      });
    });
  });
});
