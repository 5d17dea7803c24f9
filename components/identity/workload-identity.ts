import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../child-options";
import { NAME_LIMITS, physicalName } from "../naming";

/** The kinds of workload that get an identity of their own. */
export const WORKLOAD_KINDS = ["training", "serving", "pipelines", "registry"] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** A Kubernetes service account, by namespace and name. */
export interface KubernetesServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

export interface WorkloadIdentityArgs {
  project: string;
  prefix: string;
  /** The workload kind, or `metrics-query` (Managed Prometheus's query frontend). */
  kind: WorkloadKind | "metrics-query";
  /** The Kubernetes service accounts that act as this identity. */
  kubernetesServiceAccounts: KubernetesServiceAccountRef[];
  /**
   * The GKE cluster that creates the Workload Identity pool (`<project>.svc.id.goog`). The grants
   * wait for it: the pool exists only once a cluster with Workload Identity does, and a grant
   * before then fails with "Identity Pool does not exist" (GKE, "Authenticate to Google Cloud APIs
   * from GKE workloads": the cluster gets --workload-pool before the IAM binding). `"existing"`
   * when the pool exists already (a cluster outside this program).
   */
  cluster: pulumi.Resource | "existing";
}

/**
 * A Google service account for one kind of workload, which the given Kubernetes service accounts
 * impersonate through GKE Workload Identity (`roles/iam.workloadIdentityUser` on the account for
 * `serviceAccount:<project>.svc.id.goog[<namespace>/<name>]`). It holds no roles itself: each
 * resource grants it what that workload needs.
 */
export class WorkloadIdentity extends pulumi.ComponentResource {
  public readonly serviceAccount: gcp.serviceaccount.Account;
  public readonly email: pulumi.Output<string>;
  /** `serviceAccount:<email>`, for IAM bindings. */
  public readonly member: pulumi.Output<string>;

  constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:identity:WorkloadIdentity", name, {}, opts);
    for (const ksa of args.kubernetesServiceAccounts) {
      if (
        !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(ksa.namespace) ||
        !/^[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$/.test(ksa.name)
      ) {
        throw new pulumi.ResourceError(
          `WorkloadIdentity "${name}": ${ksa.namespace}/${ksa.name} is not a Kubernetes namespace/name; allowed: lower-case letters, digits and '-' (names may also have '.'), starting and ending with a letter or digit`,
          this,
        );
      }
    }
    this.serviceAccount = new gcp.serviceaccount.Account(
      name,
      {
        project: args.project,
        accountId: physicalName([args.prefix, args.kind], NAME_LIMITS.serviceAccountId),
        displayName: `${args.kind} workloads (${args.prefix})`,
        description: `Workload Identity for ${args.kind} Pods: ${args.kubernetesServiceAccounts.map((k) => `${k.namespace}/${k.name}`).join(", ") || "none yet"}`,
      },
      childOptions(this, opts),
    );
    args.kubernetesServiceAccounts.forEach((ksa, i) => {
      new gcp.serviceaccount.IAMMember(
        `${name}-wi-${i}`,
        {
          serviceAccountId: this.serviceAccount.name,
          role: "roles/iam.workloadIdentityUser",
          member: workloadIdentityMember(args.project, ksa),
        },
        childOptions(this, opts, args.cluster === "existing" ? {} : { dependsOn: [args.cluster] }),
      );
    });
    this.email = this.serviceAccount.email;
    this.member = this.serviceAccount.member;
    this.registerOutputs({ email: this.email, member: this.member });
  }
}

/** The IAM member a Kubernetes service account acts as under GKE Workload Identity. */
export function workloadIdentityMember(project: string, ksa: KubernetesServiceAccountRef): string {
  return `serviceAccount:${project}.svc.id.goog[${ksa.namespace}/${ksa.name}]`;
}
