import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/**
 * Google-managed service agents, as `[local part prefix, domain]` of
 * `<prefix><PROJECT_NUMBER>@<domain>.iam.gserviceaccount.com`.
 * Source: Google Cloud IAM "Service agents" reference.
 */
export const SERVICE_AGENTS = {
  gke: ["service-", "container-engine-robot"],
  storage: ["service-", "gs-project-accounts"],
  compute: ["service-", "compute-system"],
  bigquery: ["bq-", "bigquery-encryption"],
  pubsub: ["service-", "gcp-sa-pubsub"],
  artifactRegistry: ["service-", "gcp-sa-artifactregistry"],
  secretManager: ["service-", "gcp-sa-secretmanager"],
  cloudSql: ["service-", "gcp-sa-cloud-sql"],
} as const;

export type ServiceAgent = keyof typeof SERVICE_AGENTS;

/** The IAM member of a service agent, from the project number. */
export function serviceAgentMember(projectNumber: pulumi.Input<string>, agent: ServiceAgent): pulumi.Output<string> {
  const [prefix, domain] = SERVICE_AGENTS[agent];
  return pulumi.interpolate`serviceAccount:${prefix}${projectNumber}@${domain}.iam.gserviceaccount.com`;
}

/** The project number, looked up from the project id. */
export function projectNumber(project: string, opts?: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  return gcp.organizations.getProjectOutput({ projectId: project }, opts).apply((p) => p.number);
}

/** The Cloud Storage service agent (created on first lookup), as an IAM member. */
export function storageServiceAgent(project: string, opts?: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  return gcp.storage.getProjectServiceAccountOutput({ project }, opts).apply((sa) => sa.member);
}

/** The BigQuery encryption service agent (created on first lookup), as an IAM member. */
export function bigqueryServiceAgent(project: string, opts?: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  return gcp.bigquery.getDefaultServiceAccountOutput({ project }, opts).apply((sa) => sa.member);
}

/**
 * A service agent that Google creates on request (Cloud SQL, Secret Manager, Pub/Sub, Artifact
 * Registry), generated so it exists before it is granted a key.
 */
export function generatedServiceAgent(
  name: string,
  project: string,
  service: string,
  opts?: pulumi.CustomResourceOptions,
): gcp.projects.ServiceIdentity {
  return new gcp.projects.ServiceIdentity(name, { project, service }, opts);
}
