import { resourcePolicy } from "../../lib/policy";
import { at } from "../../lib/resources";

export const BUCKET = "gcp:storage/bucket:Bucket";

export const bucketLifecycle = resourcePolicy<Record<string, never>>({
  name: "cnai-bucket-lifecycle",
  description:
    "Every bucket has at least one lifecycle rule: ML data (checkpoints, dataset versions, noncurrent model files) piles up unseen, " +
    "and stored bytes cost money and energy every month; a rule that deletes or moves to a colder class what is no longer needed keeps " +
    "storage bounded without anyone remembering to clean up.",
  types: [BUCKET],
  validate: (args, report) => {
    const rules = at(args.props, "lifecycleRules");
    if (Array.isArray(rules) && rules.length > 0) return;
    report(
      "Bucket has no lifecycle rule, so every object and noncurrent version is kept, and billed, forever. " +
        "Add lifecycleRules: delete old or noncurrent objects (condition age, numNewerVersions or daysSinceNoncurrentTime), or move cold data to NEARLINE/COLDLINE with SetStorageClass " +
        "(the DataBucket component's lifecycle args do this).",
    );
  },
});
