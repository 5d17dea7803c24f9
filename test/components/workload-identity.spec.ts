import * as assert from "node:assert";
import * as gcp from "@pulumi/gcp";
import {
  WORKLOAD_KINDS,
  WorkloadIdentity,
  type WorkloadIdentityArgs,
  workloadIdentityMember,
} from "../../components/identity/workload-identity";
import { ProgramError } from "../../scripts/lib/engine";
import { all, input, one, run } from "../helpers/run";

const ACCOUNT = "gcp:serviceaccount/account:Account";
const WI_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember";

const EMAIL = "cnai-test-training@acme-test.iam.gserviceaccount.com";
const ACCOUNT_NAME = `projects/acme-test/serviceAccounts/${EMAIL}`;

function args(overrides: Partial<WorkloadIdentityArgs> = {}): WorkloadIdentityArgs {
  return {
    project: "acme-test",
    prefix: "cnai-test",
    kind: "training",
    kubernetesServiceAccounts: [
      { namespace: "team-a", name: "training" },
      { namespace: "team-b", name: "training" },
    ],
    cluster: "existing",
    ...overrides,
  };
}

function identity(overrides: Partial<WorkloadIdentityArgs> = {}) {
  return run(() => {
    const wi = new WorkloadIdentity("wi", args(overrides));
    return { email: wi.email, member: wi.member };
  });
}

/** Every IAM grant of any kind the run registered. */
const iamGrants = <T extends { type: string }>(resources: T[]): T[] =>
  resources.filter((r) => /IAM(Member|Binding|Policy)$/.test(r.type));

describe("WorkloadIdentity", () => {
  describe("defaults", () => {
    it("creates a Google service account <prefix>-<kind> in the project", async () => {
      const sa = one(await identity(), ACCOUNT);
      assert.strictEqual(input(sa, "accountId"), "cnai-test-training");
      assert.strictEqual(input(sa, "project"), "acme-test");
      assert.strictEqual(input(sa, "displayName"), "training workloads (cnai-test)");
      assert.strictEqual(
        input(sa, "description"),
        "Workload Identity for training Pods: team-a/training, team-b/training",
      );
    });

    it("lets each Kubernetes service account impersonate it: one workloadIdentityUser binding per KSA, on the account", async () => {
      const result = await identity();
      const bindings = all(result, WI_MEMBER);
      assert.deepStrictEqual(
        bindings.map((b) => b.inputs),
        [
          {
            serviceAccountId: ACCOUNT_NAME,
            role: "roles/iam.workloadIdentityUser",
            member: "serviceAccount:acme-test.svc.id.goog[team-a/training]",
          },
          {
            serviceAccountId: ACCOUNT_NAME,
            role: "roles/iam.workloadIdentityUser",
            member: "serviceAccount:acme-test.svc.id.goog[team-b/training]",
          },
        ],
      );
      const account = one(result, ACCOUNT);
      for (const binding of bindings) {
        assert.deepStrictEqual(
          binding.propertyDependencies.serviceAccountId,
          [account.urn],
          "the binding takes the account's name output",
        );
      }
    });

    it('creates the Workload Identity grants after the cluster that creates the identity pool ("Identity Pool does not exist" otherwise)', async () => {
      const result = await run(() => {
        const cluster = new gcp.container.Cluster("gke", {
          location: "us-central1",
          workloadIdentityConfig: { workloadPool: "acme-test.svc.id.goog" },
        });
        new WorkloadIdentity("wi", args({ cluster }));
      });
      const clusterUrn = one(result, "gcp:container/cluster:Cluster").urn;
      for (const binding of all(result, WI_MEMBER))
        assert.ok(binding.options.dependsOn.includes(clusterUrn), binding.urn);
      assert.ok(!one(result, ACCOUNT).options.dependsOn.includes(clusterUrn), "the account itself need not wait");
    });

    it("holds no roles itself: the only IAM grants are the Workload Identity bindings", async () => {
      const result = await identity();
      const grants = iamGrants(result.resources);
      assert.strictEqual(grants.length, 2);
      assert.ok(grants.every((g) => g.type === WI_MEMBER && input(g, "role") === "roles/iam.workloadIdentityUser"));
    });

    it("exports the account's email and its IAM member", async () => {
      const result = await identity();
      assert.strictEqual(result.outputs.email, EMAIL);
      assert.strictEqual(result.outputs.member, `serviceAccount:${EMAIL}`);
    });

    it("parents the account and the bindings to the component", async () => {
      const result = await identity();
      const component = one(result, "cnai:identity:WorkloadIdentity", "wi");
      for (const r of [one(result, ACCOUNT), ...all(result, WI_MEMBER)]) assert.strictEqual(r.parent, component.urn);
    });
  });

  describe("options", () => {
    it("each workload kind gets its own account id", async () => {
      for (const kind of WORKLOAD_KINDS) {
        const sa = one(await identity({ kind, kubernetesServiceAccounts: [{ namespace: "ns", name: kind }] }), ACCOUNT);
        assert.strictEqual(input(sa, "accountId"), `cnai-test-${kind}`);
      }
    });

    it("no Kubernetes service accounts yet: the account alone, no bindings", async () => {
      const result = await identity({ kubernetesServiceAccounts: [] });
      assert.strictEqual(input(one(result, ACCOUNT), "description"), "Workload Identity for training Pods: none yet");
      assert.strictEqual(iamGrants(result.resources).length, 0);
    });

    it("a long prefix is shortened to a valid service account id (6-30 characters), deterministically", async () => {
      const long = { prefix: "cnai-platform-research-europe", kind: "pipelines" as const };
      const first = input(one(await identity(long), ACCOUNT), "accountId") as string;
      const second = input(one(await identity(long), ACCOUNT), "accountId") as string;
      assert.match(first, /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
      assert.strictEqual(first, second);
      assert.ok(first.startsWith("cnai-platform-research"), `keeps the beginning of the name (got ${first})`);
    });

    it("workloadIdentityMember names a KSA the way GKE Workload Identity does", () => {
      assert.strictEqual(
        workloadIdentityMember("acme-test", { namespace: "model-registry", name: "model-registry" }),
        "serviceAccount:acme-test.svc.id.goog[model-registry/model-registry]",
      );
      assert.strictEqual(
        workloadIdentityMember("other-proj", { namespace: "team-a", name: "serving.v1" }),
        "serviceAccount:other-proj.svc.id.goog[team-a/serving.v1]",
      );
    });
  });

  describe("validation", () => {
    const cases: Array<[string, WorkloadIdentityArgs["kubernetesServiceAccounts"], RegExp]> = [
      [
        "an invalid namespace",
        [{ namespace: "Team_A", name: "training" }],
        /Team_A\/training is not a Kubernetes namespace\/name; allowed: lower-case letters, digits and '-'/,
      ],
      [
        "an invalid service account name",
        [{ namespace: "team-a", name: "Training_SA" }],
        /team-a\/Training_SA is not a Kubernetes namespace\/name; allowed: lower-case letters, digits and '-'/,
      ],
      [
        "one invalid entry among valid ones",
        [
          { namespace: "team-a", name: "training" },
          { namespace: "-team-b", name: "training" },
        ],
        /-team-b\/training is not a Kubernetes namespace/,
      ],
    ];
    for (const [what, kubernetesServiceAccounts, message] of cases) {
      it(`refuses ${what}, naming the identity, and creates no service account or binding`, async () => {
        await assert.rejects(identity({ kubernetesServiceAccounts }), (error: ProgramError) => {
          assert.ok(error instanceof ProgramError, "expected the program to fail");
          assert.match(error.message, /^WorkloadIdentity "wi": /);
          assert.match(error.message, message);
          assert.strictEqual(error.resources.filter((r) => r.type === ACCOUNT).length, 0);
          assert.strictEqual(iamGrants(error.resources).length, 0);
          return true;
        });
      });
    }
  });
});
