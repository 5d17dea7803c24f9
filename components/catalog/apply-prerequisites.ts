/**
 * What must exist before a resource can be created: the facts behind the `cnai-apply-order`
 * policy (policies/lib/analysis/apply-order). A first `pulumi up` in a new project creates
 * everything at once; a resource whose prerequisite is created in parallel, or later, fails
 * ("API has not been used in project", "Identity Pool does not exist", "Permission denied on
 * Cloud KMS key"), even though every later run would succeed. Pure data: no Pulumi runtime import.
 */

/**
 * The Google API each resource type calls, by the Pulumi type's module (or the whole type where a
 * module's resources use different APIs).
 *
 * Source: terraform-provider-google v7.45.0 (which @pulumi/gcp 9.x bridges), each resource's
 * `google/services/<service>/resource_<name>_meta.yaml` `api_service_name`; IAM members of a
 * resource use the API of the resource they grant on; project-level IAM members and audit configs
 * call Cloud Resource Manager's projects.getIamPolicy / setIamPolicy
 * (google/services/resourcemanager/iam_project.go; resource_google_project_iam_member_remove_meta.yaml:
 * cloudresourcemanager.googleapis.com).
 */
export const API_OF_MODULE: Readonly<Record<string, string>> = {
  artifactregistry: "artifactregistry.googleapis.com",
  bigquery: "bigquery.googleapis.com",
  billing: "billingbudgets.googleapis.com",
  cloudrunv2: "run.googleapis.com",
  compute: "compute.googleapis.com",
  container: "container.googleapis.com",
  dataplex: "dataplex.googleapis.com",
  kms: "cloudkms.googleapis.com",
  logging: "logging.googleapis.com",
  monitoring: "monitoring.googleapis.com",
  pubsub: "pubsub.googleapis.com",
  secretmanager: "secretmanager.googleapis.com",
  serviceaccount: "iam.googleapis.com",
  servicenetworking: "servicenetworking.googleapis.com",
  sql: "sqladmin.googleapis.com",
  storage: "storage.googleapis.com",
};

export const API_OF_TYPE: Readonly<Record<string, string | null>> = {
  "gcp:projects/iAMMember:IAMMember": "cloudresourcemanager.googleapis.com",
  "gcp:projects/iAMBinding:IAMBinding": "cloudresourcemanager.googleapis.com",
  "gcp:projects/iAMPolicy:IAMPolicy": "cloudresourcemanager.googleapis.com",
  "gcp:projects/iAMAuditConfig:IAMAuditConfig": "cloudresourcemanager.googleapis.com",
  // Enabling an API, and generating a service agent, go through Service Usage, which is on in every project.
  "gcp:projects/service:Service": null,
  "gcp:projects/serviceIdentity:ServiceIdentity": null,
};

/**
 * APIs a resource needs because of a setting, on top of its type's API.
 * - Image streaming (`gcfsConfig`) reads images through the Container File System API. Source:
 *   GKE, "Use Image streaming to pull container images" (cloud.google.com/kubernetes-engine/docs/how-to/image-streaming),
 *   Requirements: "You must enable the Container File System API".
 */
export const CONDITIONAL_APIS: ReadonlyArray<{ type: string; api: string; when: string; applies(props: Record<string, unknown>): boolean }> = [
  {
    type: "gcp:container/nodePool:NodePool",
    api: "containerfilesystem.googleapis.com",
    when: "image streaming (nodeConfig.gcfsConfig.enabled)",
    applies: (props) => (props.nodeConfig as { gcfsConfig?: { enabled?: boolean } } | undefined)?.gcfsConfig?.enabled === true,
  },
  {
    type: "gcp:container/cluster:Cluster",
    api: "containerfilesystem.googleapis.com",
    when: "image streaming (nodeConfig.gcfsConfig.enabled or nodePoolDefaults)",
    applies: (props) => (props.nodeConfig as { gcfsConfig?: { enabled?: boolean } } | undefined)?.gcfsConfig?.enabled === true,
  },
];

/** The APIs a resource of this type with these inputs calls. */
export function apisOf(type: string, props: Record<string, unknown>): string[] {
  const own = type in API_OF_TYPE ? API_OF_TYPE[type] : type.startsWith("gcp:") ? API_OF_MODULE[type.slice(4, type.indexOf("/"))] : undefined;
  return [...(own ? [own] : []), ...CONDITIONAL_APIS.filter((c) => c.type === type && c.applies(props)).map((c) => c.api)];
}

/**
 * Resource types that encrypt with a customer-managed key, where the key is, and the service agent
 * that must hold roles/cloudkms.cryptoKeyEncrypterDecrypter on it before the resource is created
 * (each API checks the grant when the resource is created and refuses it without).
 *
 * Sources: Cloud Storage "Use customer-managed encryption keys" (the Cloud Storage service agent
 * service-PROJECT_NUMBER@gs-project-accounts); GKE "Encrypt secrets at the application layer"
 * (service-PROJECT_NUMBER@container-engine-robot); BigQuery "Customer-managed Cloud KMS keys"
 * (bq-PROJECT_NUMBER@bigquery-encryption); Pub/Sub "Configure message encryption" (gcp-sa-pubsub);
 * Artifact Registry "Enabling customer-managed encryption keys" (gcp-sa-artifactregistry); Cloud SQL
 * "Use customer-managed encryption keys" (gcp-sa-cloud-sql); Secret Manager "Enable CMEK for
 * Secret Manager" (gcp-sa-secretmanager). Key fields: terraform-provider-google v7.45.0 docs of each resource.
 */
export const CMEK_CONSUMERS: Readonly<Record<string, { keyPaths: readonly string[]; agentDomain: string }>> = {
  "gcp:storage/bucket:Bucket": { keyPaths: ["encryption.defaultKmsKeyName"], agentDomain: "gs-project-accounts" },
  "gcp:container/cluster:Cluster": { keyPaths: ["databaseEncryption.keyName"], agentDomain: "container-engine-robot" },
  "gcp:bigquery/dataset:Dataset": { keyPaths: ["defaultEncryptionConfiguration.kmsKeyName"], agentDomain: "bigquery-encryption" },
  "gcp:pubsub/topic:Topic": { keyPaths: ["kmsKeyName"], agentDomain: "gcp-sa-pubsub" },
  "gcp:artifactregistry/repository:Repository": { keyPaths: ["kmsKeyName"], agentDomain: "gcp-sa-artifactregistry" },
  "gcp:sql/databaseInstance:DatabaseInstance": { keyPaths: ["encryptionKeyName"], agentDomain: "gcp-sa-cloud-sql" },
  "gcp:secretmanager/secret:Secret": {
    keyPaths: ["replication.auto.customerManagedEncryption.kmsKeyName", "replication.userManaged.replicas.*.customerManagedEncryption.kmsKeyName"],
    agentDomain: "gcp-sa-secretmanager",
  },
};

/** Roles that let a service agent use a key for the resource's data. */
export const CMEK_ROLES: readonly string[] = ["roles/cloudkms.cryptoKeyEncrypterDecrypter"];

export const CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey";
export const CLUSTER = "gcp:container/cluster:Cluster";
export const SQL_INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
export const SERVICE_NETWORKING_CONNECTION = "gcp:servicenetworking/connection:Connection";
export const API_SERVICE = "gcp:projects/service:Service";
export const SERVICE_IDENTITY = "gcp:projects/serviceIdentity:ServiceIdentity";
export const CLOUD_RUN_SERVICE = "gcp:cloudrunv2/service:Service";
export const BUCKET = "gcp:storage/bucket:Bucket";
export const AR_REPOSITORY = "gcp:artifactregistry/repository:Repository";
export const NODE_POOL = "gcp:container/nodePool:NodePool";

/**
 * A GKE Workload Identity principal: `serviceAccount:PROJECT.svc.id.goog[NS/KSA]` or
 * `principal(Set)://iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/PROJECT.svc.id.goog/...`.
 * The pool `PROJECT.svc.id.goog` exists once a cluster with Workload Identity does; a grant to a
 * member of it before then fails with "Identity Pool does not exist".
 * Source: GKE "Authenticate to Google Cloud APIs from GKE workloads"
 * (cloud.google.com/kubernetes-engine/docs/how-to/workload-identity): the cluster (or node pool) is
 * created with --workload-pool=PROJECT_ID.svc.id.goog before the IAM policy binding.
 */
export function workloadPoolOfMember(member: string): string | undefined {
  return /^serviceAccount:([a-z0-9.:-]+\.svc\.id\.goog)\[/.exec(member)?.[1]
    ?? /^principal(?:Set)?:\/\/iam\.googleapis\.com\/projects\/\d+\/locations\/global\/workloadIdentityPools\/([a-z0-9.:-]+\.svc\.id\.goog)\//.exec(member)?.[1];
}

/**
 * Service agents Google creates only when asked (`gcloud beta services identity create`, the
 * provider's google_project_service_identity): a grant to one before it exists fails
 * ("Service account ... does not exist"). By the agent's domain, the API it serves.
 * Source: Google Cloud IAM "Service agents" reference; terraform-provider-google v7.45.0
 * website/docs/r/project_service_identity.html.markdown.
 */
export const GENERATED_SERVICE_AGENTS: Readonly<Record<string, string>> = {
  "gcp-sa-pubsub": "pubsub.googleapis.com",
  "gcp-sa-secretmanager": "secretmanager.googleapis.com",
  "gcp-sa-cloud-sql": "sqladmin.googleapis.com",
  "gcp-sa-artifactregistry": "artifactregistry.googleapis.com",
};

/**
 * Why each check exists, for messages and the README: the prerequisite, where it is documented,
 * and how to order it in a Pulumi program.
 */
export const APPLY_ORDER_RULES = {
  "api-enabled": {
    rule: "A resource comes after the Google APIs it calls are enabled (a projects.Service in the plan).",
    source: "Service Usage: a call to a disabled API fails with SERVICE_DISABLED (\"API has not been used in project ... or it is disabled\"); API per type: API_OF_MODULE, API_OF_TYPE, CONDITIONAL_APIS",
  },
  "workload-identity-pool": {
    rule: "An IAM grant to a Workload Identity member (PROJECT.svc.id.goog) comes after a cluster with that workload pool.",
    source: "GKE \"Authenticate to Google Cloud APIs from GKE workloads\"; error \"Identity Pool does not exist (PROJECT.svc.id.goog)\"",
  },
  "cmek-grant": {
    rule: "A resource encrypted with a customer-managed key comes after the key's grant to the service's agent.",
    source: "CMEK_CONSUMERS (each product's CMEK page: the agent needs roles/cloudkms.cryptoKeyEncrypterDecrypter before the resource is created)",
  },
  "service-networking": {
    rule: "A Cloud SQL instance with a private IP on a network comes after the service networking connection of that network.",
    source: "Cloud SQL \"Configure private IP\" and terraform-provider-google v7.45.0 website/docs/r/sql_database_instance.html.markdown (private IP example: depends_on = [google_service_networking_connection.private_vpc_connection])",
  },
  "service-agent-exists": {
    rule: "A grant to a service agent Google creates on request comes after the projects.ServiceIdentity that creates it, when the plan has one.",
    source: "GENERATED_SERVICE_AGENTS",
  },
  "cloud-run-volume-access": {
    rule: "A Cloud Run service that mounts a bucket comes after the bucket's grant to the service's identity (the first revision starts, and fails, at deploy).",
    source: "Cloud Run \"Configure Cloud Storage volume mounts for services\" (cloud.google.com/run/docs/configuring/services/cloud-storage-volume-mounts): the service identity needs read access to the bucket",
  },
  "cloud-run-image-repository": {
    rule: "A Cloud Run service whose image lives in an Artifact Registry repository of the plan comes after that repository.",
    source: "Cloud Run deploys only an image it can resolve (\"Image ... not found\"); Artifact Registry remote repositories resolve Docker Hub images once the repository exists",
  },
  "image-streaming-consumer": {
    rule: "A node pool with image streaming and a custom node service account comes after that account's roles/serviceusage.serviceUsageConsumer grant on the project.",
    source: "GKE \"Use Image streaming to pull container images\" (cloud.google.com/kubernetes-engine/docs/how-to/image-streaming): a custom node service account needs the Service Usage Consumer role to use the Container File System API",
  },
} as const;

export type ApplyOrderRuleId = keyof typeof APPLY_ORDER_RULES;
