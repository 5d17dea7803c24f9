import { resourcePolicy } from "../../lib/policy";
import { flag } from "../lib/values";

export interface StatefulProtectedConfig {
  /** Types that hold state the stack cannot recreate. */
  types: string[];
}

const SQL = "gcp:sql/databaseInstance:DatabaseInstance";

export const STATEFUL_TYPES: readonly string[] = [
  "gcp:storage/bucket:Bucket",
  "gcp:bigquery/dataset:Dataset",
  "gcp:bigquery/table:Table",
  SQL,
  "gcp:sql/database:Database",
  "gcp:kms/cryptoKey:CryptoKey",
  "gcp:kms/keyRing:KeyRing",
  "gcp:artifactregistry/repository:Repository",
  "gcp:secretmanager/secret:Secret",
  "gcp:container/cluster:Cluster",
];

/**
 * `protect` counts (Pulumi refuses to replace or delete the resource until it is unprotected): it
 * is the only deletion-related option CrossGuard sends a policy (pulumirpc.AnalyzerResourceOptions:
 * protect, ignoreChanges, deleteBeforeReplace, additionalSecretOutputs, aliases, customTimeouts,
 * parent); `retainOnDelete` is not in the protocol, so a policy cannot see it and does not ask for
 * it. Cloud SQL instances also need both deletion-protection flags (`deletionProtection` absent is
 * true in @pulumi/gcp 9.x; `settings.deletionProtectionEnabled` absent is false). Meant for prod.
 */
export const statefulProtected = resourcePolicy<StatefulProtectedConfig>({
  name: "cnai-stateful-protected",
  description:
    "Resources that hold state (buckets, datasets, tables, databases, KMS keys and key rings, registries, secrets, the cluster) are protected " +
    "in Pulumi, and Cloud SQL instances have deletion protection: a refactor that renames a resource, or a stray destroy, must not delete data " +
    "or a key that encrypts it (a destroyed KMS key makes its data unreadable for good).",
  config: {
    types: { type: "array", items: { type: "string" }, default: [...STATEFUL_TYPES] },
  },
  validate: (args, report, config) => {
    if (!config.types.includes(args.type)) return;
    if (args.opts.protect !== true) {
      report(
        "protect is not set, so a rename, a replacement or a destroy deletes it. Set protect: true in its resource options (the components' protect argument).",
      );
    }
    if (args.type === SQL) {
      if (!flag(args.props, "deletionProtection", true))
        report("deletionProtection is false on a Cloud SQL instance. Remove it or set it to true.");
      if (!flag(args.props, "settings.deletionProtectionEnabled", false))
        report(
          "settings.deletionProtectionEnabled is not true: the instance can be deleted outside Pulumi. Set it to true.",
        );
    }
  },
});
