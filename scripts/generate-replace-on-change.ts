import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  customForceNewOf,
  readSchemaDefinitions,
  resolveField,
  type SchemaDefinition,
  type SchemaField,
} from "./lib/go-schema";

/**
 * Generates components/catalog/replace-on-change-gcp.ts: for each gcp:* resource type the
 * blueprint declares, the input properties whose change makes the provider replace the resource.
 *
 * pulumi-gcp bridges hashicorp/terraform-provider-google-beta: a resource is replaced when the
 * Terraform diff marks an attribute RequiresNew, which terraform-plugin-sdk/v2 derives from the
 * schema's `ForceNew` (helper/schema/schema.go, schemaMap.diff: a primitive, a list or set of
 * primitives or a map changes; for a block, only its count: added, removed, or a list of another
 * length) and from CustomizeDiff calls to `ForceNew` (customdiff.ForceNewIfChange, d.ForceNew).
 *
 * Inputs (read, never copied into the repository):
 *   --tpg <git dir>         a clone of hashicorp/terraform-provider-google-beta (the tag below is read)
 *   --tag <tag>             the upstream version pulumi-gcp pins (default v7.45.0)
 *   --bridge <git dir>      a clone of pulumi/pulumi-gcp (provider/cmd/pulumi-resource-gcp/bridge-metadata.json: TF → Pulumi tokens)
 * Pulumi property names come from the installed @pulumi/gcp typings (node_modules/@pulumi/gcp).
 *
 * usage: node -r ./scripts/ts-register.js scripts/generate-replace-on-change.ts --tpg <dir> --bridge <dir>
 */

const ROOT = path.resolve(__dirname, "..");

/** The gcp:* types of the shipped plans (out/<stack>/plan.json) and those the blueprint may add. */
const EXTRA_TYPES = [
  "gcp:certificatemanager/certificate:Certificate",
  "gcp:certificatemanager/dnsAuthorization:DnsAuthorization",
  "gcp:compute/regionSecurityPolicy:RegionSecurityPolicy",
  "gcp:gkebackup/backupPlan:BackupPlan",
  "gcp:gkebackup/restorePlan:RestorePlan",
  "gcp:iap/webTypeComputeIamMember:WebTypeComputeIamMember",
  "gcp:storage/transferJob:TransferJob",
];

function flag(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (!value) throw new Error(`--${name} is required`);
  return value;
}

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["--git-dir", dir, ...args], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });

function planTypes(): string[] {
  const types = new Set(EXTRA_TYPES);
  for (const stack of ["dev", "staging", "prod"]) {
    const file = path.join(ROOT, "out", stack, "plan.json");
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run plan -- --stack ${stack} first`);
    for (const r of JSON.parse(fs.readFileSync(file, "utf8")).resources as { type: string; custom: boolean }[])
      if (r.custom && r.type.startsWith("gcp:") && !r.type.startsWith("gcp:index")) types.add(r.type);
  }
  return [...types].sort();
}

/** Pulumi property names of the installed SDK: args interfaces and nested input types. */
class PulumiTypings {
  private readonly input = fs.readFileSync(path.join(ROOT, "node_modules/@pulumi/gcp/types/input.d.ts"), "utf8");
  private readonly nested = new Map<string, Map<string, string>>();

  constructor() {
    let namespace = "";
    let current: Map<string, string> | undefined;
    for (const line of this.input.split("\n")) {
      const ns = line.match(/^export declare namespace (\w+) \{/);
      if (ns) namespace = ns[1];
      const iface = line.match(/^ {4}interface (\w+) \{/);
      if (iface) {
        current = new Map();
        this.nested.set(`${namespace}.${iface[1]}`, current);
        continue;
      }
      const member = line.match(/^ {8}(\w+)\??: (.*);$/);
      if (member && current) current.set(member[1], member[2]);
      if (/^ {4}\}/.test(line)) current = undefined;
    }
  }

  args(token: string): Map<string, string> {
    const [, module, file, name] = token.match(/^gcp:(\w+)\/(\w+):(\w+)$/)!;
    // The SDK's file names differ in case from the token's middle part (iAMAuditConfig → iamauditConfig.d.ts).
    const dir = path.join(ROOT, "node_modules/@pulumi/gcp", module);
    const found = fs.readdirSync(dir).find((f) => f.toLowerCase() === `${file}.d.ts`.toLowerCase());
    if (!found) throw new Error(`${token}: no ${file}.d.ts in @pulumi/gcp/${module}`);
    const text = fs.readFileSync(path.join(dir, found), "utf8");
    const start = text.indexOf(`export interface ${name}Args {`);
    if (start < 0) throw new Error(`${token}: no ${name}Args in @pulumi/gcp`);
    const props = new Map<string, string>();
    for (const line of text.slice(start).split("\n").slice(1)) {
      if (/^\}/.test(line)) break;
      const member = line.match(/^ {4}(\w+)\??: (.*);$/);
      if (member) props.set(member[1], member[2]);
    }
    return props;
  }

  nestedOf(typeText: string): Map<string, string> | undefined {
    const ref = typeText.match(/inputs\.(\w+)\.(\w+)/);
    return ref ? this.nested.get(`${ref[1]}.${ref[2]}`) : undefined;
  }
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The Pulumi property of a TF attribute: its camelCase name, or the plural tfbridge gives lists. */
function pulumiName(props: Map<string, string>, tf: string): string | undefined {
  const c = camel(tf);
  const candidates = [c, `${c}s`, `${c}es`, c.endsWith("y") ? `${c.slice(0, -1)}ies` : c];
  return candidates.find((name) => props.has(name));
}

interface Rule {
  path: string;
  when: "change" | "presence" | "customdiff";
}

function rulesOf(root: SchemaField, props: Map<string, string>, typings: PulumiTypings, unmapped: string[]): Rule[] {
  const rules: Rule[] = [];
  const walk = (f: SchemaField, scope: Map<string, string> | undefined, tfPath: string[], pulumiPath: string[]) => {
    for (const [key, child] of [...f.children].sort((a, b) => a[0].localeCompare(b[0]))) {
      const name = scope ? pulumiName(scope, key) : undefined;
      if (!name || !scope) {
        if (child.forceNew) unmapped.push([...tfPath, key].join("."));
        continue;
      }
      const at = [...pulumiPath, name];
      if (child.forceNew) rules.push({ path: at.join("."), when: child.children.size ? "presence" : "change" });
      if (child.children.size) walk(child, typings.nestedOf(scope.get(name)!), [...tfPath, key], at);
    }
  };
  walk(root, props, [], []);
  return rules;
}

function mapAttributePath(tfPath: string, props: Map<string, string>, typings: PulumiTypings): string | undefined {
  let scope: Map<string, string> | undefined = props;
  const out: string[] = [];
  for (const seg of tfPath.split(".").filter((s) => !/^\d+$/.test(s))) {
    const name = scope ? pulumiName(scope, seg) : undefined;
    if (!name || !scope) return undefined;
    out.push(name);
    scope = typings.nestedOf(scope.get(name)!);
  }
  return out.join(".");
}

function main() {
  const tpg = flag("tpg");
  const tag = flag("tag", "v7.45.0");
  const bridge = flag("bridge");
  const commit = git(tpg, "rev-parse", `${tag}^{commit}`).trim();
  const metadata = JSON.parse(git(bridge, "show", "HEAD:provider/cmd/pulumi-resource-gcp/bridge-metadata.json"));
  const tfOf = new Map<string, string>();
  for (const [tf, entry] of Object.entries(metadata["auto-aliasing"].resources as Record<string, { current: string }>))
    tfOf.set(entry.current, tf);
  const typings = new PulumiTypings();
  const files = git(tpg, "ls-tree", "-r", "--name-only", tag, "google-beta/")
    .split("\n")
    .filter((f) => f.endsWith(".go") && !f.endsWith("_test.go"));
  const packageCache = new Map<string, Map<string, SchemaDefinition>>();
  const definitionsOf = (dir: string) => {
    if (!packageCache.has(dir)) {
      const defs = new Map<string, SchemaDefinition>();
      for (const f of files.filter((x) => path.dirname(x) === dir))
        for (const d of readSchemaDefinitions(git(tpg, "show", `${tag}:${f}`))) defs.set(d.name, d);
      packageCache.set(dir, defs);
    }
    return packageCache.get(dir)!;
  };
  const iam = definitionsOf("google-beta/tpgiamresource");

  const entries: string[] = [];
  let ruleCount = 0;
  for (const token of planTypes()) {
    const tf = tfOf.get(token);
    if (!tf) throw new Error(`${token}: not in pulumi-gcp's bridge metadata`);
    const registration = git(tpg, "grep", "-l", "-E", `Name: +"${tf}",`, tag, "--", "google-beta/services")
      .split("\n")
      .map((l) => l.replace(`${tag}:`, ""))
      .filter((f) => f && !f.endsWith("_test.go"))
      .map((file) => {
        const text = git(tpg, "show", `${tag}:${file}`);
        const block = text.slice(text.search(new RegExp(`Name: +"${tf}",`))).split("}.Register()")[0];
        return {
          file,
          expr: block.match(/Type: +registry\.SchemaType(Resource|IAMResource),[\s\S]*Schema: +([\w.]+)\(([\w.]*)/),
        };
      })
      .find((r) => r.expr);
    if (!registration?.expr) throw new Error(`${token}: no resource registration of ${tf} in ${tag}`);
    const registering = registration.file;
    const schemaExpr = [registration.expr[0], registration.expr[2], registration.expr[3]];
    const defs = new Map([...iam, ...definitionsOf(path.dirname(registering))]);
    const bare = (s: string) => s.slice(s.lastIndexOf(".") + 1);
    const fn = bare(schemaExpr[1]);
    const base =
      fn === "ResourceIamMember"
        ? "IamMemberBaseSchema"
        : fn === "ResourceIamAuditConfig"
          ? "iamAuditConfigSchema"
          : "";
    const roots = base ? [base, bare(schemaExpr[2])] : [fn];
    const missing = roots.filter((r) => !defs.has(r));
    if (missing.length) throw new Error(`${token}: schema definitions ${missing.join(", ")} not found`);
    const root = resolveField({ forceNew: false, children: new Map(), refs: roots }, defs);
    const props = typings.args(token);
    const unmapped: string[] = [];
    const rules = rulesOf(root, props, typings, unmapped);
    const custom = [...new Set(roots.flatMap((r) => customForceNewOf(defs.get(r)!, defs)))];
    for (const attr of custom) {
      const mapped = mapAttributePath(attr, props, typings);
      if (mapped && !rules.some((r) => r.path === mapped)) rules.push({ path: mapped, when: "customdiff" });
      else if (!mapped) unmapped.push(attr);
    }
    ruleCount += rules.length;
    entries.push(
      [
        `  "${token}": {`,
        `    terraformType: "${tf}",`,
        `    source: "hashicorp/terraform-provider-google-beta@${tag} ${registering}",`,
        `    rules: [`,
        ...rules.map((r) => `      { path: "${r.path}", when: "${r.when}" },`),
        `    ],`,
        ...(unmapped.length
          ? [`    // ForceNew attributes with no input property in @pulumi/gcp: ${unmapped.join(", ")}`]
          : []),
        `  },`,
      ].join("\n"),
    );
  }
  const out = [
    "// Generated by scripts/generate-replace-on-change.ts: do not edit; regenerate after a provider upgrade.",
    `// Read from hashicorp/terraform-provider-google-beta@${tag} (${commit}), the upstream`,
    "// pulumi-gcp pins (its `upstream` submodule at 3dc173a), and the Pulumi names of the installed @pulumi/gcp.",
    `// ${entries.length} resource types, ${ruleCount} rules.`,
    'import type { ProviderReplaceRules } from "./replace-on-change-types";',
    "",
    "/** gcp:* input properties whose change replaces the resource (terraform-plugin-sdk ForceNew and CustomizeDiff). */",
    "export const GCP_REPLACE_ON_CHANGE: Readonly<Record<string, ProviderReplaceRules>> = {",
    ...entries,
    "};",
    "",
  ].join("\n");
  fs.writeFileSync(path.join(ROOT, "components/catalog/replace-on-change-gcp.ts"), out);
  process.stdout.write(`replace-on-change: ${entries.length} gcp types, ${ruleCount} rules\n`);
}

main();
