import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  CERT_MANAGER_CERTS_OPTION,
  CLOUD_ARMOR_WAF_RULES,
  type CloudArmorWafRule,
  GATEWAY_CLASSES,
  type GatewayExposure,
} from "../catalog/gateway";
import { assertApiRules } from "../catalog/gcp-api-rules";
import { childOptions } from "../child-options";
import { argumentError } from "../component-error";
import { checkMembers } from "../iam";
import { governanceLabels, kubernetesLabels, podSecurityLabels, type StackLabels } from "../labels";
import { NAME_LIMITS, physicalName } from "../naming";

/** The namespace of the stack's Gateway. */
export const GATEWAY_NAMESPACE = "cnai-gateway";
/** The Gateway's name. */
export const GATEWAY_NAME = "models";
/**
 * The label only team namespaces carry (TeamNamespace's component label; every namespace of the
 * platform has a `cnai.dev/team` label, the stack's owner): only those may attach routes.
 */
export const TEAM_NAMESPACE_SELECTOR = { "cnai.dev/component": "team-namespace" } as const;

export interface TeamAccess {
  team: string;
  /** IAM principals that may call the team's models. */
  members: string[];
  /** The models they may call; all of the team's models when absent. */
  models?: string[];
}

export interface ModelGatewayArgs {
  project: string;
  region: string;
  prefix: string;
  labels: StackLabels;
  /** The DNS name clients call. */
  hostname: string;
  exposure: GatewayExposure;
  /** An existing regional Certificate Manager certificate; default: a Google-managed one for the hostname. */
  certificate?: string;
  /** Who may call which team's models (IAP). @default [] */
  access?: TeamAccess[];
  /** Cloud Armor for an external gateway. */
  cloudArmor: { requestsPerClientPerMinute: number; wafRules: CloudArmorWafRule[] };
}

/** The path prefix of a model behind the gateway. */
export function modelPath(team: string, model: string): string {
  return `/${team}/${model}`;
}

/**
 * The IAM condition of an IAP grant: the gateway's host and the team's (or one model's) paths.
 * IAP evaluates `request.host` and `request.path` on the normalised URL (Chrome Enterprise Premium,
 * "Using hostname and path conditions"; IAM, "Conditions overview": request attributes).
 */
export function accessCondition(hostname: string, team: string, model?: string): string {
  const prefix = model ? `${modelPath(team, model)}/` : `/${team}/`;
  return `request.host == "${hostname}" && request.path.startsWith("${prefix}")`;
}

/**
 * The stack's front door for models: a Gateway of a regional GKE class (internal or external),
 * one HTTPS listener on 443 terminating TLS with a regional Certificate Manager certificate (a
 * Google-managed one with DNS authorization by default), routes accepted from team namespaces
 * only, IAP grants (roles/iap.httpsResourceAccessor) per team conditioned on the team's paths,
 * and, for an external gateway, a Cloud Armor policy with per-client rate limiting and
 * preconfigured WAF rules for the routes' GCPBackendPolicies. GKE installs and manages the
 * Gateway API CRDs (cluster `gatewayApiConfig.channel: CHANNEL_STANDARD`); nothing here installs them.
 */
export class ModelGateway extends pulumi.ComponentResource {
  public readonly gateway: k8s.apiextensions.CustomResource;
  public readonly gatewayClass: string;
  /** The Cloud Armor policy's name (external gateways). */
  public readonly securityPolicy?: pulumi.Output<string>;
  public readonly certificateName: pulumi.Output<string>;
  /** The DNS record to add for the managed certificate's authorization. */
  public readonly dnsAuthorizationRecord?: pulumi.Output<{ name: string; type: string; data: string }>;
  public readonly hostname: string;

  constructor(name: string, args: ModelGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cnai:gateway:ModelGateway", name, {}, opts);
    const fail = argumentError("ModelGateway", name, this);
    const facts = GATEWAY_CLASSES[args.exposure];
    if (!facts) fail(`exposure ${args.exposure} is not one of ${Object.keys(GATEWAY_CLASSES).join(", ")}`);
    for (const rule of args.cloudArmor.wafRules) {
      if (!(CLOUD_ARMOR_WAF_RULES as readonly string[]).includes(rule))
        fail(`cloudArmor.wafRules: ${rule} is not one of ${CLOUD_ARMOR_WAF_RULES.join(", ")}`);
    }
    for (const entry of args.access ?? [])
      checkMembers("ModelGateway", `access[${entry.team}].members`, entry.members, this);
    this.gatewayClass = facts.name;
    this.hostname = args.hostname;
    const labels = governanceLabels(args.labels, "model-gateway");
    const k8sLabels = kubernetesLabels(args.labels, "model-gateway");

    if (args.certificate) {
      this.certificateName = pulumi.output(args.certificate);
    } else {
      // Regional Google-managed certificates are issued with a DNS authorization of the same region
      // (Certificate Manager, "Deploy a regional Google-managed certificate with DNS authorization";
      // regional DNS authorizations are PER_PROJECT_RECORD).
      const authorization = new gcp.certificatemanager.DnsAuthorization(
        `${name}-dns-auth`,
        {
          project: args.project,
          location: args.region,
          name: physicalName([args.prefix, "models-dns"], NAME_LIMITS.compute),
          domain: args.hostname,
          type: "PER_PROJECT_RECORD",
          labels,
        },
        childOptions(this, opts),
      );
      const certificate = new gcp.certificatemanager.Certificate(
        `${name}-cert`,
        {
          project: args.project,
          location: args.region,
          name: physicalName([args.prefix, "models"], NAME_LIMITS.compute),
          description: `TLS for ${args.hostname} (the model gateway)`,
          managed: { domains: [args.hostname], dnsAuthorizations: [authorization.id] },
          labels,
        },
        childOptions(this, opts),
      );
      this.certificateName = certificate.name;
      this.dnsAuthorizationRecord = authorization.dnsResourceRecords.apply((records) => {
        const record = records?.[0];
        return { name: record?.name ?? "", type: record?.type ?? "", data: record?.data ?? "" };
      });
    }

    if (facts.cloudArmor) {
      const policyArgs: gcp.compute.RegionSecurityPolicyArgs = {
        project: args.project,
        region: args.region,
        name: physicalName([args.prefix, "models-armor"], NAME_LIMITS.compute),
        description: "Model gateway: per-client rate limit and OWASP rules",
        type: "CLOUD_ARMOR",
        rules: cloudArmorRules(args.cloudArmor),
      };
      assertApiRules(
        "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy",
        policyArgs as unknown as Record<string, unknown>,
        fail,
      );
      const policy = new gcp.compute.RegionSecurityPolicy(`${name}-armor`, policyArgs, childOptions(this, opts));
      this.securityPolicy = policy.name;
    }

    const namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      // No Pods run here: GKE's controller turns the Gateway into a load balancer.
      { metadata: { name: GATEWAY_NAMESPACE, labels: { ...k8sLabels, ...podSecurityLabels("restricted") } } },
      childOptions(this, opts),
    );
    this.gateway = new k8s.apiextensions.CustomResource(
      `${name}-gateway`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: { name: GATEWAY_NAME, namespace: GATEWAY_NAMESPACE, labels: k8sLabels },
        spec: gatewaySpec(facts.name, args.hostname, this.certificateName),
      },
      childOptions(this, opts, { dependsOn: [namespace] }),
    );

    // One grant per member and scope. Conditions keep each team's callers to its own paths.
    for (const entry of args.access ?? []) {
      const scopes = entry.models?.length ? entry.models : [undefined];
      for (const member of entry.members) {
        for (const model of scopes) {
          const key = `${entry.team}-${model ?? "all"}-${member.replace(/[^a-zA-Z0-9]+/g, "-")}`;
          new gcp.iap.WebTypeComputeIamMember(
            `${name}-iap-${key}`,
            {
              project: args.project,
              role: "roles/iap.httpsResourceAccessor",
              member,
              condition: {
                title: `models-${entry.team}${model ? `-${model}` : ""}`.slice(0, 100),
                description: `Calls ${model ? `model ${model}` : "the models"} of team ${entry.team} at ${args.hostname}`,
                expression: accessCondition(args.hostname, entry.team, model),
              },
            },
            childOptions(this, opts),
          );
        }
      }
    }
    this.registerOutputs({
      gatewayClass: this.gatewayClass,
      hostname: this.hostname,
      certificateName: this.certificateName,
      securityPolicy: this.securityPolicy,
    });
  }
}

/** The Gateway's spec: one HTTPS listener, TLS terminated with Certificate Manager, routes from team namespaces. */
export function gatewaySpec(gatewayClassName: string, hostname: string, certificate: pulumi.Input<string>) {
  return {
    gatewayClassName,
    listeners: [
      {
        name: "https",
        protocol: "HTTPS",
        port: 443,
        hostname,
        tls: { mode: "Terminate", options: { [CERT_MANAGER_CERTS_OPTION]: certificate } },
        allowedRoutes: {
          namespaces: {
            from: "Selector",
            selector: { matchLabels: TEAM_NAMESPACE_SELECTOR },
          },
          kinds: [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }],
        },
      },
    ],
  };
}

/**
 * Cloud Armor rules, in priority order: each preconfigured WAF rule denies with 403, then a
 * throttle per client IP answers 429 above the rate, then the default rule allows. Regional
 * security policies take preconfigured WAF rules and rate limiting (Cloud Armor, "Rate limiting
 * overview" and "Security policy overview": regional external Application Load Balancer);
 * `evaluatePreconfiguredWaf` names the rule set (Cloud Armor, "Tune preconfigured WAF rules").
 */
export function cloudArmorRules(settings: { requestsPerClientPerMinute: number; wafRules: readonly string[] }) {
  return [
    ...settings.wafRules.map((rule, i) => ({
      priority: 1000 + i * 10,
      action: "deny(403)",
      description: `OWASP CRS 3.3: ${rule}`,
      match: { expr: { expression: `evaluatePreconfiguredWaf('${rule}', {'sensitivity': 1})` } },
    })),
    {
      priority: 2000,
      action: "throttle",
      description: `At most ${settings.requestsPerClientPerMinute} requests a minute per client IP`,
      match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
      rateLimitOptions: {
        conformAction: "allow",
        exceedAction: "deny(429)",
        enforceOnKey: "IP",
        rateLimitThreshold: { count: settings.requestsPerClientPerMinute, intervalSec: 60 },
      },
    },
    {
      priority: 2147483647,
      action: "allow",
      description: "Default rule",
      match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
    },
  ];
}
