import * as assert from "node:assert";
import {
  ArtifactRegistry,
  type ArtifactRegistryArgs,
  cleanupPolicies,
  resolveCleanup,
} from "../../components/registry/artifact-registry";
import { ProgramError, type RunResult } from "../../scripts/lib/engine";
import { all, input, one, run, STACK_LABELS } from "../helpers/run";

const COMPONENT = "cnai:registry:ArtifactRegistry";
const REPOSITORY = "gcp:artifactregistry/repository:Repository";
const REPOSITORY_IAM = "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember";

const KEY = "projects/acme-test/locations/us-central1/keyRings/cnai-test/cryptoKeys/artifacts";
const NODES = "serviceAccount:nodes@acme-test.iam.gserviceaccount.com";
const SERVING = "serviceAccount:serving@acme-test.iam.gserviceaccount.com";
const MODEL_REGISTRY = "serviceAccount:model-registry@acme-test.iam.gserviceaccount.com";

const DEFAULT_CLEANUP = [
  { id: "keep-most-recent", action: "KEEP", mostRecentVersions: { keepCount: 10 } },
  { id: "delete-untagged", action: "DELETE", condition: { tagState: "UNTAGGED", olderThan: "1209600s" } },
];

/** Registrations arrive in no fixed order: compare by resource name. */
const byName = <T extends { name: string }>(resources: T[]): T[] =>
  [...resources].sort((a, b) => a.name.localeCompare(b.name));

function args(overrides: Partial<ArtifactRegistryArgs> = {}): ArtifactRegistryArgs {
  return { project: "acme-test", location: "us-central1", prefix: "cnai-test", labels: STACK_LABELS, ...overrides };
}

function registry(overrides: Partial<ArtifactRegistryArgs> = {}): Promise<RunResult> {
  return run(() => new ArtifactRegistry("ar", args(overrides)));
}

describe("ArtifactRegistry", () => {
  describe("defaults", () => {
    it("creates three standard repositories: images (DOCKER), packages (PYTHON), models (DOCKER)", async () => {
      const result = await registry();
      const repos = byName(all(result, REPOSITORY));
      assert.deepStrictEqual(
        repos.map((r) => [r.name, input(r, "repositoryId"), input(r, "format"), input(r, "mode")]),
        [
          ["ar-images", "cnai-test-images", "DOCKER", undefined],
          ["ar-models", "cnai-test-models", "DOCKER", undefined],
          ["ar-packages", "cnai-test-packages", "PYTHON", undefined],
        ],
      );
      for (const repo of repos) {
        assert.strictEqual(input(repo, "project"), "acme-test", repo.name);
        assert.strictEqual(input(repo, "location"), "us-central1", repo.name);
        assert.strictEqual(input(repo, "remoteRepositoryConfig"), undefined, repo.name);
      }
    });

    it("labels every repository with the governance labels (component artifact-registry)", async () => {
      for (const repo of all(await registry(), REPOSITORY)) {
        assert.deepStrictEqual(
          input(repo, "labels"),
          {
            env: "test",
            team: "ml-platform",
            "cost-center": "cc-1",
            "managed-by": "pulumi",
            component: "artifact-registry",
          },
          repo.name,
        );
      }
    });

    it("cleans up in dry-run: keeps the 10 most recent versions, deletes untagged ones after 14 days", async () => {
      for (const repo of all(await registry(), REPOSITORY)) {
        assert.strictEqual(input(repo, "cleanupPolicyDryRun"), true, repo.name);
        assert.deepStrictEqual(input(repo, "cleanupPolicies"), DEFAULT_CLEANUP, repo.name);
      }
    });

    it("scans images and models for vulnerabilities as the project does (INHERITED), not Python packages", async () => {
      const result = await registry();
      for (const name of ["ar-images", "ar-models"]) {
        assert.deepStrictEqual(
          input(one(result, REPOSITORY, name), "vulnerabilityScanningConfig"),
          { enablementConfig: "INHERITED" },
          name,
        );
      }
      assert.strictEqual(input(one(result, REPOSITORY, "ar-packages"), "vulnerabilityScanningConfig"), undefined);
    });

    it("lets image tags move, but model tags never do", async () => {
      const result = await registry();
      assert.deepStrictEqual(input(one(result, REPOSITORY, "ar-images"), "dockerConfig"), { immutableTags: false });
      assert.deepStrictEqual(input(one(result, REPOSITORY, "ar-models"), "dockerConfig"), { immutableTags: true });
      assert.strictEqual(input(one(result, REPOSITORY, "ar-packages"), "dockerConfig"), undefined);
    });

    it("has no remote caches, Google-managed encryption, no IAM members, nothing protected", async () => {
      const result = await registry();
      assert.strictEqual(all(result, REPOSITORY).filter((r) => input(r, "mode") === "REMOTE_REPOSITORY").length, 0);
      assert.deepStrictEqual(
        byName(all(result, REPOSITORY)).map((r) => r.name),
        ["ar-images", "ar-models", "ar-packages"],
      );
      for (const repo of all(result, REPOSITORY)) {
        assert.strictEqual(input(repo, "kmsKeyName"), undefined, repo.name);
        assert.strictEqual(repo.options.protect, false, repo.name);
      }
      assert.strictEqual(all(result, REPOSITORY_IAM).length, 0);
    });

    it("exposes the images and models hosts as <location>-docker.pkg.dev/<project>/<repo>", async () => {
      let component: ArtifactRegistry | undefined;
      const result = await run(() => (component = new ArtifactRegistry("ar", args())));
      assert.strictEqual(component!.imagesHost, "us-central1-docker.pkg.dev/acme-test/cnai-test-images");
      assert.strictEqual(component!.modelsHost, "us-central1-docker.pkg.dev/acme-test/cnai-test-models");
      assert.deepStrictEqual(Object.keys(component!.repositories), ["images", "packages", "models"]);
      // The hosts name repositories that exist.
      const ids = all(result, REPOSITORY).map((r) => input(r, "repositoryId"));
      assert.ok(ids.includes(component!.imagesHost.split("/")[2]));
      assert.ok(ids.includes(component!.modelsHost.split("/")[2]));
    });

    it("parents every repository to the component", async () => {
      const result = await registry();
      const component = one(result, COMPONENT, "ar");
      for (const repo of all(result, REPOSITORY)) assert.strictEqual(repo.parent, component.urn, repo.name);
      assert.strictEqual(result.resources.filter((r) => r.custom).length, 3);
    });
  });

  describe("options", () => {
    it("immutableTags makes image tags immutable (models stay immutable)", async () => {
      const result = await registry({ immutableTags: true });
      assert.deepStrictEqual(input(one(result, REPOSITORY, "ar-images"), "dockerConfig"), { immutableTags: true });
      assert.deepStrictEqual(input(one(result, REPOSITORY, "ar-models"), "dockerConfig"), { immutableTags: true });
    });

    it("immutableTags false keeps model tags immutable", async () => {
      const result = await registry({ immutableTags: false });
      assert.deepStrictEqual(input(one(result, REPOSITORY, "ar-models"), "dockerConfig"), { immutableTags: true });
    });

    it("remoteCaches adds pull-through caches of Docker Hub and PyPI", async () => {
      let component: ArtifactRegistry | undefined;
      const result = await run(() => (component = new ArtifactRegistry("ar", args({ remoteCaches: true }))));
      assert.deepStrictEqual(
        byName(all(result, REPOSITORY)).map((r) => r.name),
        ["ar-docker-hub", "ar-images", "ar-models", "ar-packages", "ar-pypi"],
      );
      const dockerHub = one(result, REPOSITORY, "ar-docker-hub");
      assert.strictEqual(input(dockerHub, "repositoryId"), "cnai-test-docker-hub");
      assert.strictEqual(input(dockerHub, "format"), "DOCKER");
      assert.strictEqual(input(dockerHub, "mode"), "REMOTE_REPOSITORY");
      assert.deepStrictEqual(input(dockerHub, "remoteRepositoryConfig"), {
        description: "Docker Hub",
        dockerRepository: { publicRepository: "DOCKER_HUB" },
      });
      assert.deepStrictEqual(input(dockerHub, "vulnerabilityScanningConfig"), { enablementConfig: "INHERITED" });
      const pypi = one(result, REPOSITORY, "ar-pypi");
      assert.strictEqual(input(pypi, "repositoryId"), "cnai-test-pypi");
      assert.strictEqual(input(pypi, "format"), "PYTHON");
      assert.strictEqual(input(pypi, "mode"), "REMOTE_REPOSITORY");
      assert.deepStrictEqual(input(pypi, "remoteRepositoryConfig"), {
        description: "PyPI",
        pythonRepository: { publicRepository: "PYPI" },
      });
      for (const cache of [dockerHub, pypi]) {
        assert.strictEqual(input(cache, "location"), "us-central1", cache.name);
        assert.strictEqual(input(cache, "labels.component"), "artifact-registry", cache.name);
        assert.deepStrictEqual(input(cache, "cleanupPolicies"), DEFAULT_CLEANUP, cache.name);
      }
      assert.deepStrictEqual(Object.keys(component!.repositories), [
        "images",
        "packages",
        "models",
        "docker-hub",
        "pypi",
      ]);
    });

    it("kmsKeyName encrypts every repository, remote caches included", async () => {
      const repos = all(await registry({ kmsKeyName: KEY, remoteCaches: true }), REPOSITORY);
      assert.strictEqual(repos.length, 5);
      for (const repo of repos) assert.strictEqual(input(repo, "kmsKeyName"), KEY, repo.name);
    });

    it("cleanup overrides the kept versions and the untagged age, and dryRun false deletes for real", async () => {
      const repos = all(
        await registry({ cleanup: { keepRecentVersions: 3, deleteUntaggedAfterDays: 7, dryRun: false } }),
        REPOSITORY,
      );
      for (const repo of repos) {
        assert.strictEqual(input(repo, "cleanupPolicyDryRun"), false, repo.name);
        assert.deepStrictEqual(
          input(repo, "cleanupPolicies"),
          [
            { id: "keep-most-recent", action: "KEEP", mostRecentVersions: { keepCount: 3 } },
            { id: "delete-untagged", action: "DELETE", condition: { tagState: "UNTAGGED", olderThan: "604800s" } },
          ],
          repo.name,
        );
      }
    });

    it("a partial cleanup keeps the other defaults", async () => {
      const repo = one(await registry({ cleanup: { dryRun: false } }), REPOSITORY, "ar-images");
      assert.strictEqual(input(repo, "cleanupPolicyDryRun"), false);
      assert.deepStrictEqual(input(repo, "cleanupPolicies"), DEFAULT_CLEANUP);
    });

    it("readers get artifactregistry.reader on every repository (repositories x readers)", async () => {
      const result = await registry({ readers: [NODES, SERVING] });
      const grants = all(result, REPOSITORY_IAM);
      assert.strictEqual(grants.length, 3 * 2);
      for (const grant of grants) {
        assert.strictEqual(input(grant, "role"), "roles/artifactregistry.reader", grant.name);
        assert.strictEqual(input(grant, "project"), "acme-test", grant.name);
        assert.strictEqual(input(grant, "location"), "us-central1", grant.name);
      }
      assert.deepStrictEqual(
        byName(grants).map((g) => [g.name, input(g, "repository"), input(g, "member")]),
        [
          ["ar-images-reader-0", "cnai-test-images", NODES],
          ["ar-images-reader-1", "cnai-test-images", SERVING],
          ["ar-models-reader-0", "cnai-test-models", NODES],
          ["ar-models-reader-1", "cnai-test-models", SERVING],
          ["ar-packages-reader-0", "cnai-test-packages", NODES],
          ["ar-packages-reader-1", "cnai-test-packages", SERVING],
        ],
      );
    });

    it("readers also read the remote caches", async () => {
      const grants = all(await registry({ readers: [NODES], remoteCaches: true }), REPOSITORY_IAM);
      assert.strictEqual(grants.length, 5 * 1);
      assert.deepStrictEqual(grants.map((g) => input(g, "repository")).sort(), [
        "cnai-test-docker-hub",
        "cnai-test-images",
        "cnai-test-models",
        "cnai-test-packages",
        "cnai-test-pypi",
      ]);
    });

    it("modelWriters get artifactregistry.writer on the models repository only", async () => {
      const result = await registry({ modelWriters: [MODEL_REGISTRY] });
      const writer = one(result, REPOSITORY_IAM, "ar-models-writer-0");
      assert.deepStrictEqual(writer.inputs, {
        project: "acme-test",
        location: "us-central1",
        repository: "cnai-test-models",
        role: "roles/artifactregistry.writer",
        member: MODEL_REGISTRY,
      });
      assert.strictEqual(all(result, REPOSITORY_IAM).length, 1);
      assert.strictEqual(
        all(result, REPOSITORY_IAM).filter(
          (g) => input(g, "role") === "roles/artifactregistry.writer" && input(g, "repository") !== "cnai-test-models",
        ).length,
        0,
      );
    });

    it("protect sets Pulumi protect on every repository, not on IAM members", async () => {
      const result = await registry({ protect: true, remoteCaches: true, readers: [NODES] });
      const repos = all(result, REPOSITORY);
      assert.strictEqual(repos.length, 5);
      for (const repo of repos) assert.strictEqual(repo.options.protect, true, repo.name);
      for (const grant of all(result, REPOSITORY_IAM)) assert.strictEqual(grant.options.protect, false, grant.name);
    });

    it("multi-region locations give <location>-docker.pkg.dev hosts", async () => {
      let component: ArtifactRegistry | undefined;
      const result = await run(() => (component = new ArtifactRegistry("ar", args({ location: "europe" }))));
      assert.strictEqual(component!.imagesHost, "europe-docker.pkg.dev/acme-test/cnai-test-images");
      for (const repo of all(result, REPOSITORY)) assert.strictEqual(input(repo, "location"), "europe", repo.name);
    });
  });

  describe("validation", () => {
    const cases: Array<[string, ArtifactRegistryArgs["cleanup"], RegExp]> = [
      [
        "keeping 0 recent versions",
        { keepRecentVersions: 0 },
        /cleanup\.keepRecentVersions must be a whole number, at least 1 \(got 0\)/,
      ],
      [
        "deleting untagged versions after 0 days",
        { deleteUntaggedAfterDays: 0 },
        /cleanup\.deleteUntaggedAfterDays must be a whole number, at least 1 \(got 0\)/,
      ],
      [
        "deleting untagged versions after 1.5 days",
        { deleteUntaggedAfterDays: 1.5 },
        /cleanup\.deleteUntaggedAfterDays must be a whole number, at least 1 \(got 1\.5\)/,
      ],
    ];
    for (const [what, cleanup, message] of cases) {
      it(`refuses ${what}, naming the registry, and creates no repository`, async () => {
        await assert.rejects(registry({ cleanup }), (error: ProgramError) => {
          assert.ok(error instanceof ProgramError, "expected a ProgramError");
          assert.match(error.message, /^ArtifactRegistry "ar": /);
          assert.match(error.message, message);
          assert.strictEqual(error.resources.filter((r) => r.type === REPOSITORY).length, 0);
          assert.strictEqual(error.resources.filter((r) => r.type === REPOSITORY_IAM).length, 0);
          return true;
        });
      });
    }
  });

  describe("resolveCleanup (pure)", () => {
    it("defaults: keep 10, delete untagged after 14 days, dry run", () => {
      assert.deepStrictEqual(resolveCleanup("ar", undefined), {
        keepRecentVersions: 10,
        deleteUntaggedAfterDays: 14,
        dryRun: true,
      });
      assert.deepStrictEqual(resolveCleanup("ar", {}), {
        keepRecentVersions: 10,
        deleteUntaggedAfterDays: 14,
        dryRun: true,
      });
    });

    it("keeps what is given and fills in the rest", () => {
      assert.deepStrictEqual(resolveCleanup("ar", { keepRecentVersions: 1 }), {
        keepRecentVersions: 1,
        deleteUntaggedAfterDays: 14,
        dryRun: true,
      });
      assert.deepStrictEqual(resolveCleanup("ar", { deleteUntaggedAfterDays: 1, dryRun: false }), {
        keepRecentVersions: 10,
        deleteUntaggedAfterDays: 1,
        dryRun: false,
      });
    });

    it("throws a ResourceError naming the registry for a non-whole or non-positive count", () => {
      assert.throws(
        () => resolveCleanup("ar", { keepRecentVersions: 0 }),
        /ArtifactRegistry "ar": cleanup\.keepRecentVersions must be a whole number, at least 1 \(got 0\)/,
      );
      assert.throws(
        () => resolveCleanup("ar", { keepRecentVersions: 2.5 }),
        /cleanup\.keepRecentVersions must be a whole number, at least 1 \(got 2\.5\)/,
      );
      assert.throws(
        () => resolveCleanup("ar", { keepRecentVersions: -1 }),
        /cleanup\.keepRecentVersions .* \(got -1\)/,
      );
      assert.throws(
        () => resolveCleanup("ar", { deleteUntaggedAfterDays: 0 }),
        /cleanup\.deleteUntaggedAfterDays must be a whole number, at least 1 \(got 0\)/,
      );
      assert.throws(
        () => resolveCleanup("ar", { deleteUntaggedAfterDays: 1.5 }),
        /cleanup\.deleteUntaggedAfterDays must be a whole number, at least 1 \(got 1\.5\)/,
      );
    });
  });

  describe("cleanupPolicies (pure)", () => {
    it("keeps the most recent versions and deletes untagged ones older than the age, in seconds", () => {
      assert.deepStrictEqual(
        cleanupPolicies({ keepRecentVersions: 10, deleteUntaggedAfterDays: 14, dryRun: true }),
        DEFAULT_CLEANUP,
      );
      assert.deepStrictEqual(cleanupPolicies({ keepRecentVersions: 1, deleteUntaggedAfterDays: 1, dryRun: false }), [
        { id: "keep-most-recent", action: "KEEP", mostRecentVersions: { keepCount: 1 } },
        { id: "delete-untagged", action: "DELETE", condition: { tagState: "UNTAGGED", olderThan: "86400s" } },
      ]);
    });

    it("does not encode the dry run (it is the repository's cleanupPolicyDryRun)", () => {
      assert.deepStrictEqual(
        cleanupPolicies({ keepRecentVersions: 5, deleteUntaggedAfterDays: 30, dryRun: true }),
        cleanupPolicies({ keepRecentVersions: 5, deleteUntaggedAfterDays: 30, dryRun: false }),
      );
    });
  });
});
