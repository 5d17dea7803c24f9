import { resourcePolicy } from "../../lib/policy";
import { at, containersOf, isKubernetes, kindOf, type Props } from "../../lib/resources";
import { CLOUD_RUN_TYPES, cloudRunContainers } from "../lib/images";
import { rawAt } from "../lib/values";

export interface NoPlaintextSecretsConfig {
  /** Names (env vars, Helm values keys, ConfigMap keys) that hold a secret; case-insensitive regular expression. */
  secretNames: string;
  /** Names that match secretNames but refer to a secret or describe one (existingSecret, passwordKey, TOKEN_FILE); case-insensitive. */
  referenceNames: string;
}

const HELM_TYPES = ["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v3:Release"];

/**
 * Where secrets leak as literals: container env `value`s (Kubernetes, including TrainJob trainers
 * and InferenceService models, and Cloud Run), Helm values, and ConfigMaps. A value is never judged
 * by its content: a Pulumi secret appears as "[secret]" in the offline plan but as plaintext in the
 * inputs CrossGuard sees during a real preview, and either way it ends up in a Pod spec or a Helm
 * release anyone with read access sees. For the same reason values are read without the unknown
 * check: a value unknown during preview (a generated password) is still a literal once known.
 * Kubernetes Secrets themselves are fine: that is where the value belongs.
 */
export const noPlaintextSecrets = resourcePolicy<NoPlaintextSecretsConfig>({
  name: "cnai-no-plaintext-secrets",
  description:
    "Passwords, tokens and keys reach workloads through secret references, never as literal env values, Helm values or ConfigMap data: " +
    "literals are readable by anyone who can read the Pod, release or ConfigMap, appear in logs and diffs, and cannot be rotated without a redeploy.",
  config: {
    secretNames: {
      type: "string",
      default: "password|passwd|passphrase|secret|token|api[-_]?key|private[-_]?key|access[-_]?key|credential",
    },
    referenceNames: {
      type: "string",
      default:
        "^existing|(secret|key)[-_]?(name|ref)s?$|(password|username|user|token|api[-_]?key)[-_]?key$|" +
        "[-_.]?(file|path|dir|url|uri|endpoint|ttl|policy|length|header|type|mode|format|enabled|audience|issuer|expiry|expiration|duration|id)$",
    },
  },
  validate: (args, report, config) => {
    const secret = new RegExp(config.secretNames, "i");
    const reference = new RegExp(config.referenceNames, "i");
    const looksSecret = (name: unknown): boolean =>
      typeof name === "string" && secret.test(name) && !reference.test(name);
    const literal = (value: unknown): boolean => typeof value === "string" && value !== "";

    if (HELM_TYPES.includes(args.type)) {
      const values = rawAt(args.props, "values");
      for (const [path, key, value] of walk(values, "values")) {
        if (looksSecret(key) && literal(value))
          report(
            `${path} is a literal ${key}. Put it in a Secret (or Secret Manager) and pass the chart its reference (existingSecret, secretName, ...).`,
          );
      }
      for (const [path, entry] of envEntries(values, "values")) {
        if (looksSecret(entry.name) && literal(entry.value))
          report(
            `${path} sets ${entry.name} as a literal value. Use valueFrom.secretKeyRef (or the chart's secret option).`,
          );
      }
      return;
    }
    if (isKubernetes(args.type) && kindOf(args.type) === "ConfigMap") {
      for (const field of ["data", "binaryData"]) {
        for (const key of Object.keys(at(args.props, field) ?? {})) {
          if (looksSecret(key))
            report(
              `ConfigMap ${field} key ${key} looks like a secret; ConfigMaps are not access-controlled or encrypted as Secrets are. Move it to a Secret.`,
            );
        }
      }
      return;
    }
    if (isKubernetes(args.type)) {
      for (const { path, container } of containersOf(args.type, args.props)) {
        ((rawAt(container, "env") ?? []) as Props[]).forEach((env, i) => {
          if (looksSecret(env.name) && literal(env.value)) {
            report(
              `${path}.env.${i} sets ${env.name} as a literal value. Use valueFrom.secretKeyRef to a Kubernetes Secret (synced from Secret Manager).`,
            );
          }
        });
      }
      return;
    }
    if (CLOUD_RUN_TYPES.includes(args.type)) {
      for (const { path, container } of cloudRunContainers(args.type, args.props)) {
        ((rawAt(container, "envs") ?? []) as Props[]).forEach((env, i) => {
          if (looksSecret(env.name) && literal(env.value)) {
            report(
              `${path}.envs.${i} sets ${env.name} as a literal value. Use valueSource.secretKeyRef to a Secret Manager secret.`,
            );
          }
        });
      }
    }
  },
});

/** Every [path, key, value] of a values tree. */
function* walk(value: unknown, path: string): Generator<[string, string, unknown]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* walk(value[i], `${path}.${i}`);
  } else if (value && typeof value === "object") {
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      yield [`${path}.${key}`, key, child];
      yield* walk(child, `${path}.${key}`);
    }
  }
}

/** Env-style entries ({ name, value }) anywhere in a values tree (extraEnv, env, ...). */
function* envEntries(value: unknown, path: string): Generator<[string, { name: unknown; value: unknown }]> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as Props | undefined;
      if (item && typeof item === "object" && !Array.isArray(item) && typeof item.name === "string" && "value" in item)
        yield [`${path}.${i}`, { name: item.name, value: item.value }];
      else yield* envEntries(item, `${path}.${i}`);
    }
  } else if (value && typeof value === "object") {
    for (const key of Object.keys(value)) yield* envEntries((value as Record<string, unknown>)[key], `${path}.${key}`);
  }
}
