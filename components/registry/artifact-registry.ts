import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../child-options";
import { checkMembers } from "../iam";
import { governanceLabels, type StackLabels } from "../labels";
import { physicalName } from "../naming";

export interface CleanupPolicy {
  /** Keep the N most recent versions of each package. @default 10 */
  keepRecentVersions?: number;
  /** Delete untagged versions older than this many days. @default 14 */
  deleteUntaggedAfterDays?: number;
  /** Only report what would be deleted (outside prod). @default true */
  dryRun?: boolean;
}

export interface ArtifactRegistryArgs {
  project: string;
  location: string;
  prefix: string;
  labels: StackLabels;
  cleanup?: CleanupPolicy;
  /** Tags cannot be moved once pushed (prod). @default false */
  immutableTags?: boolean;
  /** Pull-through caches of Docker Hub and PyPI, so private nodes pull through Google. @default false */
  remoteCaches?: boolean;
  /** A Cloud KMS key for the repositories' contents. @default none (Google-managed) */
  kmsKeyName?: pulumi.Input<string>;
  /** Members that pull images and packages: the node and workload service accounts. @default [] */
  readers?: pulumi.Input<string>[];
  /** Members that push model artifacts to the models repository (the model registry). @default [] */
  modelWriters?: pulumi.Input<string>[];
  /** @default false */
  protect?: boolean;
}

/** The repositories, by role. */
export type RepositoryRole = "images" | "packages" | "models" | "docker-hub" | "pypi";

/**
 * Artifact Registry for the platform: Docker images, Python packages, and OCI model artifacts
 * that KServe can pull (`oci://`), optionally with pull-through caches. Cleanup policies keep the
 * most recent versions and delete untagged ones, vulnerability scanning follows the project
 * (Container Scanning API), and only the given members may read.
 */
export class ArtifactRegistry extends pulumi.ComponentResource {
  public readonly repositories: Partial<Record<RepositoryRole, gcp.artifactregistry.Repository>>;
  /** `<location>-docker.pkg.dev/<project>/<repo>` of the images repository. */
  public readonly imagesHost: string;
  /** `<location>-docker.pkg.dev/<project>/<repo>` of the models repository (OCI model artifacts). */
  public readonly modelsHost: string;
  /** `<location>-docker.pkg.dev/<project>/<repo>` of the Docker Hub remote repository, when remoteCaches is on. */
  public readonly dockerHubHost: string | undefined;

  constructor(name: string, args: ArtifactRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:registry:ArtifactRegistry", name, {}, opts);
    const cleanup = resolveCleanup(name, args.cleanup, this);
    checkMembers(`ArtifactRegistry "${name}"`, "readers", args.readers, this);
    checkMembers(`ArtifactRegistry "${name}"`, "modelWriters", args.modelWriters, this);
    const labels = governanceLabels(args.labels, "artifact-registry");
    const repoId = (role: RepositoryRole) => physicalName([args.prefix, role], 63);
    const common = {
      project: args.project,
      location: args.location,
      labels,
      kmsKeyName: args.kmsKeyName,
      cleanupPolicyDryRun: cleanup.dryRun,
      cleanupPolicies: cleanupPolicies(cleanup),
    };
    const scanning = { enablementConfig: "INHERITED" };
    const repo = (
      role: RepositoryRole,
      repoArgs: Omit<gcp.artifactregistry.RepositoryArgs, "repositoryId" | keyof typeof common>,
    ) =>
      new gcp.artifactregistry.Repository(
        `${name}-${role}`,
        { ...common, ...repoArgs, repositoryId: repoId(role) },
        childOptions(this, opts, { protect: args.protect ?? false }),
      );

    this.repositories = {
      images: repo("images", {
        format: "DOCKER",
        description: "Container images for training, serving and pipelines",
        dockerConfig: { immutableTags: args.immutableTags ?? false },
        vulnerabilityScanningConfig: scanning,
      }),
      packages: repo("packages", { format: "PYTHON", description: "Python packages" }),
      // Model versions are immutable everywhere: a tag names one set of weights.
      models: repo("models", {
        format: "DOCKER",
        description: "OCI model artifacts, pulled by KServe with oci:// storage URIs",
        dockerConfig: { immutableTags: true },
        vulnerabilityScanningConfig: scanning,
      }),
    };
    if (args.remoteCaches) {
      this.repositories["docker-hub"] = repo("docker-hub", {
        format: "DOCKER",
        mode: "REMOTE_REPOSITORY",
        description: "Pull-through cache of Docker Hub",
        remoteRepositoryConfig: { description: "Docker Hub", dockerRepository: { publicRepository: "DOCKER_HUB" } },
        vulnerabilityScanningConfig: scanning,
      });
      this.repositories.pypi = repo("pypi", {
        format: "PYTHON",
        mode: "REMOTE_REPOSITORY",
        description: "Pull-through cache of PyPI",
        remoteRepositoryConfig: { description: "PyPI", pythonRepository: { publicRepository: "PYPI" } },
      });
    }

    for (const [role, repository] of Object.entries(this.repositories)) {
      (args.readers ?? []).forEach((member, i) => {
        new gcp.artifactregistry.RepositoryIamMember(
          `${name}-${role}-reader-${i}`,
          {
            project: args.project,
            location: args.location,
            repository: repository.name,
            role: "roles/artifactregistry.reader",
            member,
          },
          childOptions(this, opts),
        );
      });
    }
    (args.modelWriters ?? []).forEach((member, i) => {
      new gcp.artifactregistry.RepositoryIamMember(
        `${name}-models-writer-${i}`,
        {
          project: args.project,
          location: args.location,
          repository: this.repositories.models!.name,
          role: "roles/artifactregistry.writer",
          member,
        },
        childOptions(this, opts),
      );
    });
    this.imagesHost = `${args.location}-docker.pkg.dev/${args.project}/${repoId("images")}`;
    this.modelsHost = `${args.location}-docker.pkg.dev/${args.project}/${repoId("models")}`;
    this.dockerHubHost = args.remoteCaches
      ? `${args.location}-docker.pkg.dev/${args.project}/${repoId("docker-hub")}`
      : undefined;
    this.registerOutputs({ imagesHost: this.imagesHost, modelsHost: this.modelsHost });
  }
}

/** The cleanup policy's defaults, which are also the base profile's `artifactRegistry` settings. */
export const CLEANUP_DEFAULTS = { keepRecentVersions: 10, deleteUntaggedAfterDays: 14, dryRun: true } as const;

/** Applies defaults and checks the cleanup policy; throws a ResourceError. Pure. */
export function resolveCleanup(
  name: string,
  cleanup: CleanupPolicy | undefined,
  resource?: pulumi.Resource,
): Required<CleanupPolicy> {
  const resolved = {
    keepRecentVersions: cleanup?.keepRecentVersions ?? CLEANUP_DEFAULTS.keepRecentVersions,
    deleteUntaggedAfterDays: cleanup?.deleteUntaggedAfterDays ?? CLEANUP_DEFAULTS.deleteUntaggedAfterDays,
    dryRun: cleanup?.dryRun ?? CLEANUP_DEFAULTS.dryRun,
  };
  if (!Number.isInteger(resolved.keepRecentVersions) || resolved.keepRecentVersions < 1) {
    throw new pulumi.ResourceError(
      `ArtifactRegistry "${name}": cleanup.keepRecentVersions must be a whole number, at least 1 (got ${resolved.keepRecentVersions})`,
      resource,
    );
  }
  if (!Number.isInteger(resolved.deleteUntaggedAfterDays) || resolved.deleteUntaggedAfterDays < 1) {
    throw new pulumi.ResourceError(
      `ArtifactRegistry "${name}": cleanup.deleteUntaggedAfterDays must be a whole number, at least 1 (got ${resolved.deleteUntaggedAfterDays})`,
      resource,
    );
  }
  return resolved;
}

/** Keep the most recent versions (KEEP wins over DELETE in Artifact Registry), delete old untagged ones. */
export function cleanupPolicies(
  cleanup: Required<CleanupPolicy>,
): gcp.types.input.artifactregistry.RepositoryCleanupPolicy[] {
  return [
    { id: "keep-most-recent", action: "KEEP", mostRecentVersions: { keepCount: cleanup.keepRecentVersions } },
    {
      id: "delete-untagged",
      action: "DELETE",
      condition: { tagState: "UNTAGGED", olderThan: `${cleanup.deleteUntaggedAfterDays * 86400}s` },
    },
  ];
}
