import { resourcePolicy } from "../../lib/policy";
import { at } from "../../lib/resources";
import { grantsOf, isPublicMember } from "../lib/iam";

const BUCKET = "gcp:storage/bucket:Bucket";
const BUCKET_IAM = [
  "gcp:storage/bucketIAMMember:BucketIAMMember",
  "gcp:storage/bucketIAMBinding:BucketIAMBinding",
  "gcp:storage/bucketIAMPolicy:BucketIAMPolicy",
];
/** Legacy ACLs: ineffective under uniform access, but a public entity here is still a public grant waiting to happen. */
const BUCKET_ACLS = [
  "gcp:storage/bucketAccessControl:BucketAccessControl",
  "gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl",
  "gcp:storage/objectAccessControl:ObjectAccessControl",
];
const PUBLIC_ENTITIES = ["allUsers", "allAuthenticatedUsers"];

/**
 * Provider defaults (@pulumi/gcp 9.x): `uniformBucketLevelAccess` absent is false (fine-grained
 * ACLs stay on), `publicAccessPrevention` absent is "inherited" (public unless an org policy says
 * otherwise); both must be set explicitly.
 */
export const bucketSecurity = resourcePolicy<object>({
  name: "cnai-bucket-security",
  description:
    "Buckets use uniform bucket-level access and enforced public-access prevention, and no bucket IAM grant or ACL names allUsers or " +
    "allAuthenticatedUsers: training data and models must never be readable from the internet, and IAM alone (no object ACLs) keeps access reviewable.",
  types: [BUCKET, ...BUCKET_IAM, ...BUCKET_ACLS],
  validate: (args, report) => {
    const props = args.props;
    if (args.type === BUCKET) {
      if (at(props, "uniformBucketLevelAccess") !== true) {
        report(
          "uniformBucketLevelAccess is not true, so object ACLs can grant access outside IAM. Set uniformBucketLevelAccess: true (DataBucket does).",
        );
      }
      if (at(props, "publicAccessPrevention") !== "enforced") {
        report(
          `publicAccessPrevention is ${JSON.stringify(at(props, "publicAccessPrevention") ?? "inherited (unset)")}, so the bucket can be made public. Set publicAccessPrevention: "enforced".`,
        );
      }
      return;
    }
    if (BUCKET_ACLS.includes(args.type)) {
      if (PUBLIC_ENTITIES.includes(String(props.entity)))
        report(
          `ACL entity ${props.entity} makes objects public. Remove the ACL; grant named principals through bucket IAM instead.`,
        );
      return;
    }
    const { grants, problem } = grantsOf(props);
    if (problem)
      report(
        `${problem}; the policy cannot check it for public members. Use BucketIAMMember per grant, or valid JSON.`,
      );
    for (const grant of grants) {
      const open = grant.members.filter(isPublicMember);
      if (open.length)
        report(
          `${grant.where} grants ${grant.role} to ${open.join(", ")}: anyone could read or change the bucket. Grant named groups or service accounts instead.`,
        );
    }
  },
});
