/**
 * Where each GCP resource type the blueprint creates takes labels, and which types take none.
 * Source: the @pulumi/gcp 9.x typings (the `labels`, `resourceLabels`, `userLabels` and
 * `nodeConfig.resourceLabels` args of each resource). A test fails when the program creates a
 * GCP type that is in neither table, so a new resource cannot slip past the label rules.
 */
export const LABEL_FIELDS: Readonly<Record<string, string>> = {
  "gcp:container/cluster:Cluster": "resourceLabels",
  "gcp:container/nodePool:NodePool": "nodeConfig.resourceLabels",
  "gcp:kms/cryptoKey:CryptoKey": "labels",
  "gcp:compute/globalAddress:GlobalAddress": "labels",
  "gcp:storage/bucket:Bucket": "labels",
  "gcp:artifactregistry/repository:Repository": "labels",
  "gcp:sql/databaseInstance:DatabaseInstance": "settings.userLabels",
  "gcp:secretmanager/secret:Secret": "labels",
  "gcp:bigquery/dataset:Dataset": "labels",
  "gcp:bigquery/table:Table": "labels",
  "gcp:pubsub/topic:Topic": "labels",
  "gcp:pubsub/subscription:Subscription": "labels",
  "gcp:dataplex/datascan:Datascan": "labels",
  "gcp:cloudrunv2/service:Service": "labels",
  "gcp:monitoring/notificationChannel:NotificationChannel": "userLabels",
  "gcp:monitoring/alertPolicy:AlertPolicy": "userLabels",
  "gcp:certificatemanager/certificate:Certificate": "labels",
  "gcp:certificatemanager/dnsAuthorization:DnsAuthorization": "labels",
};

/** GCP types without labels (networks, IAM, service accounts, key rings, API enablement...). */
export const UNLABELLED_TYPES: readonly string[] = [
  "gcp:projects/service:Service",
  "gcp:compute/network:Network",
  "gcp:compute/subnetwork:Subnetwork",
  "gcp:compute/router:Router",
  "gcp:compute/routerNat:RouterNat",
  "gcp:compute/firewall:Firewall",
  "gcp:kms/keyRing:KeyRing",
  "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  "gcp:serviceaccount/account:Account",
  "gcp:projects/iAMMember:IAMMember",
  "gcp:projects/serviceIdentity:ServiceIdentity",
  "gcp:servicenetworking/connection:Connection",
  "gcp:sql/database:Database",
  "gcp:sql/user:User",
  "gcp:secretmanager/secretVersion:SecretVersion",
  "gcp:serviceaccount/iAMMember:IAMMember",
  "gcp:storage/bucketIAMMember:BucketIAMMember",
  "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
  "gcp:bigquery/datasetIamMember:DatasetIamMember",
  "gcp:bigquery/iamMember:IamMember",
  "gcp:pubsub/topicIAMMember:TopicIAMMember",
  "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
  "gcp:secretmanager/secretIamMember:SecretIamMember",
  "gcp:dataplex/datascanIamMember:DatascanIamMember",
  "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
  "gcp:monitoring/dashboard:Dashboard",
  "gcp:billing/budget:Budget",
  "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  "gcp:projects/iAMAuditConfig:IAMAuditConfig",
  "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy",
  "gcp:iap/webTypeComputeIamMember:WebTypeComputeIamMember",
];

/** Types that carry the sustainability labels too (compute). */
export const COMPUTE_TYPES: readonly string[] = [
  "gcp:container/cluster:Cluster",
  "gcp:container/nodePool:NodePool",
  "gcp:cloudrunv2/service:Service",
];

/** Types that carry `data-classification` (data stores). */
export const DATA_STORE_TYPES: readonly string[] = [
  "gcp:storage/bucket:Bucket",
  "gcp:bigquery/dataset:Dataset",
  "gcp:bigquery/table:Table",
  "gcp:pubsub/topic:Topic",
  "gcp:sql/databaseInstance:DatabaseInstance",
];

/** The labels of a resource's inputs, if its type takes labels. */
export function labelsOf(type: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
  const field = LABEL_FIELDS[type];
  if (!field) return undefined;
  const value = field.split(".").reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], inputs);
  return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
}
