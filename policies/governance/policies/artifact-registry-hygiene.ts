import { resourcePolicy } from "../../lib/policy";
import { at } from "../../lib/resources";

export interface ArtifactRegistryHygieneConfig {
  /** Docker standard repositories must refuse to move a tag (prod). */
  requireImmutableTags: boolean;
  /** Cleanup policies may run in dry-run mode (outside prod, where the profile only reports). */
  allowCleanupDryRun: boolean;
}

const REPOSITORY = "gcp:artifactregistry/repository:Repository";

/**
 * Defaults (@pulumi/gcp 9.x): `mode` absent is STANDARD_REPOSITORY; `cleanupPolicyDryRun` absent
 * is false; `vulnerabilityScanningConfig.enablementConfig` absent is INHERITED (on when the
 * Container Scanning API is); `dockerConfig.immutableTags` absent is false. Virtual repositories
 * store nothing, so they need no cleanup policy; remote repositories cache upstream images and do.
 */
export const artifactRegistryHygiene = resourcePolicy<ArtifactRegistryHygieneConfig>({
  name: "cnai-artifact-registry-hygiene",
  description:
    "Artifact Registry repositories have cleanup policies, Docker repositories keep vulnerability scanning on, and (where the config asks) " +
    "Docker tags are immutable: images pile up at a cost forever without cleanup, unscanned images hide known CVEs, and a moved tag makes a " +
    "deployment run code no one reviewed.",
  config: {
    requireImmutableTags: { type: "boolean", default: false },
    allowCleanupDryRun: { type: "boolean", default: false },
  },
  types: [REPOSITORY],
  validate: (args, report, config) => {
    const p = args.props;
    const mode = at(p, "mode") ?? "STANDARD_REPOSITORY";
    const docker = at(p, "format") === "DOCKER";
    if (mode !== "VIRTUAL_REPOSITORY") {
      const policies = at(p, "cleanupPolicies");
      if (!Array.isArray(policies) || policies.length === 0) {
        report(
          "No cleanupPolicies: untagged and old versions are kept, and paid for, forever. Add a DELETE policy for untagged versions and a KEEP policy for the most recent ones.",
        );
      } else if (at(p, "cleanupPolicyDryRun") === true && !config.allowCleanupDryRun) {
        report(
          "cleanupPolicyDryRun is true: the cleanup policies only log what they would delete. Set cleanupPolicyDryRun: false once they are reviewed (the stack's artifactRegistry.cleanupDryRun), or allow dry runs in this stack's policy config (allowCleanupDryRun).",
        );
      }
    }
    if (docker && at(p, "vulnerabilityScanningConfig.enablementConfig") === "DISABLED") {
      report(
        "vulnerabilityScanningConfig.enablementConfig is DISABLED: pushed images are not scanned for known vulnerabilities. Set it to INHERITED.",
      );
    }
    if (
      config.requireImmutableTags &&
      docker &&
      mode === "STANDARD_REPOSITORY" &&
      at(p, "dockerConfig.immutableTags") !== true
    ) {
      report(
        "Docker tags are mutable (dockerConfig.immutableTags is not true): a pushed tag can later point at another image. Set dockerConfig.immutableTags: true, and push a new tag per build.",
      );
    }
  },
});
