import { z } from "zod";
import { CLOUD_ARMOR_WAF_RULES, GATEWAY_EXPOSURES } from "../../components/catalog/gateway";
import { cidrsOverlap } from "../../components/catalog/ip-ranges";
import { IAM_MEMBER_PATTERN } from "../../components/iam";
import type { RuleProblem } from "../../components/rule-problem";

/**
 * The model gateway (`cnai-platform:gateway`) and tracing (`cnai-platform:tracing`) settings.
 * A gateway is built when `hostname` is set: one Gateway per stack, an HTTPRoute per served model
 * at `https://<hostname>/<team>/<model>/`, IAP on every backend, and Cloud Armor when external.
 */

const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/;

const iamMember = z.string().regex(IAM_MEMBER_PATTERN, {
  error:
    "an IAM member: group:<email>, user:<email>, serviceAccount:<email>, domain:<domain>, principal: or principalSet:",
});

export const gatewaySchema = z.strictObject({
  /** The DNS name clients call (`https://<hostname>/<team>/<model>/...`); no gateway without it. */
  hostname: z.string().regex(DNS_NAME, { error: "a lower-case DNS name such as models.example.com" }).optional(),
  /** `internal`: a regional internal Application Load Balancer (gke-l7-rilb); `external`: a regional external one. */
  exposure: z.enum(GATEWAY_EXPOSURES),
  /** The proxy-only subnet regional load balancers need (a /23 or larger is Google's advice; /26 at least). */
  proxyOnlyCidr: z
    .string()
    .regex(IPV4_CIDR, { error: "the proxy-only subnet range as an IPv4 CIDR block (10.129.0.0/23)" })
    .refine((block) => Number(block.split("/")[1]) <= 26, { error: "a /26 or larger block (Google advises /23)" }),
  /**
   * An existing regional Certificate Manager certificate in the stack's region; default: a
   * Google-managed certificate for `hostname` with a DNS authorization (its CNAME record must be added to the zone).
   */
  certificate: z
    .string()
    .regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: "a Certificate Manager certificate name" })
    .optional(),
  /** Identity-Aware Proxy on every model backend; off is allowed in the dev profile only. */
  iap: z.boolean(),
  /** Who may call each team's models through IAP (roles/iap.httpsResourceAccessor on the team's paths). */
  access: z
    .array(
      z.strictObject({
        team: z.string(),
        members: z.array(iamMember).min(1).max(50),
        /** The team's models the members may call; default: all of the team's models. */
        models: z.array(z.string()).max(2000).optional(),
      }),
    )
    .max(500),
  /** Cloud Armor on an external gateway's backends: per-client rate limit and preconfigured WAF rules. */
  cloudArmor: z.strictObject({
    /** Requests per minute one client IP may send before getting 429. */
    requestsPerClientPerMinute: z.number().int().min(1).max(1_000_000),
    wafRules: z.array(z.enum(CLOUD_ARMOR_WAF_RULES)).max(CLOUD_ARMOR_WAF_RULES.length),
  }),
});

export const tracingSchema = z.strictObject({
  /** The OpenTelemetry operator, a collector exporting to Cloud Trace, and OTLP settings on model servers. */
  enabled: z.boolean(),
  /** Share of traces kept (parent-based ratio sampling). */
  samplingRatio: z.number().min(0).max(1),
});

export type GatewaySettings = z.infer<typeof gatewaySchema>;
export type TracingSettings = z.infer<typeof tracingSchema>;

/** Profile defaults: internal gateways in dev and staging, external in prod; all traces in dev. */
export const GATEWAY_DEFAULTS = {
  exposure: "internal",
  proxyOnlyCidr: "10.129.0.0/23",
  iap: true,
  access: [],
  cloudArmor: {
    requestsPerClientPerMinute: 600,
    wafRules: ["sqli-v33-stable", "xss-v33-stable", "lfi-v33-stable", "rce-v33-stable", "protocolattack-v33-stable"],
  },
} as const;

export const TRACING_DEFAULTS = { enabled: true, samplingRatio: 1 } as const;

interface GatewayContext {
  readonly profile: string;
  readonly gateway: GatewaySettings;
  readonly teams: readonly { name: string }[];
  readonly models: readonly { name: string; team: string }[];
  readonly networkRanges: Readonly<Record<string, string>>;
}

/**
 * Cross-field rules: access names teams and models of the stack, a team is granted only its own
 * models, IAP stays on outside dev, and the proxy-only range overlaps no other range.
 */
export function gatewayIssues(ctx: GatewayContext): RuleProblem[] {
  const issues: RuleProblem[] = [];
  const { gateway } = ctx;
  const teams = ctx.teams.map((t) => t.name);
  gateway.access.forEach((entry, i) => {
    const at = ["gateway", "access", i];
    if (!teams.includes(entry.team)) {
      issues.push({
        path: [...at, "team"],
        input: entry.team,
        message: `one of the stack's teams: ${teams.join(", ")}`,
      });
      return;
    }
    const own = ctx.models.filter((m) => m.team === entry.team).map((m) => m.name);
    (entry.models ?? []).forEach((name, j) => {
      const model = ctx.models.find((m) => m.name === name);
      if (!model) {
        issues.push({
          path: [...at, "models", j],
          input: name,
          message: `a model the stack serves (serving.models): nothing serves ${name}, so its route would have no backend. ${entry.team}'s models: ${own.join(", ") || "none"}`,
        });
      } else if (model.team !== entry.team) {
        issues.push({
          path: [...at, "models", j],
          input: name,
          message: `one of team ${entry.team}'s own models (${own.join(", ") || "none"}); ${name} belongs to team ${model.team}: grant its callers in ${model.team}'s access entry`,
        });
      }
    });
  });
  if (!gateway.iap && ctx.profile !== "dev") {
    issues.push({
      path: ["gateway", "iap"],
      input: false,
      message: `true outside the dev profile (this stack's profile is ${ctx.profile}): without IAP anyone who reaches the gateway calls the models`,
    });
  }
  for (const [key, range] of Object.entries(ctx.networkRanges)) {
    if (cidrsOverlap(gateway.proxyOnlyCidr, range)) {
      issues.push({
        path: ["gateway", "proxyOnlyCidr"],
        input: gateway.proxyOnlyCidr,
        message: `a range that does not overlap network.${key} (${range})`,
      });
    }
  }
  return issues;
}
