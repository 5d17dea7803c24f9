import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { type CrdSchema, LazyValidators } from "./crd-validators";
import { DiskCache } from "./disk-cache";

export { conformanceCrdDir, crdSearchPath, findCrdDir } from "./crd-dir";
export { closeSchema, LazyValidators } from "./crd-validators";
export { untranslatedPatterns } from "./re2-pattern";

/**
 * Conformance of Kubernetes objects: custom resources against the upstream CRDs (the served
 * version their apiVersion names), core objects against the Kubernetes schemas (kubernetes-models),
 * and ObjectMeta by Kubernetes' own name and label rules.
 *
 * Kubernetes prunes unknown fields instead of rejecting them, so CRD schemas are open; here every
 * object schema that lists properties, has no additionalProperties and does not preserve unknown
 * fields is closed, so a misspelled field fails. `x-kubernetes-*` keywords are ignored (ajv strict
 * off); CEL rules are not enforced by JSON Schema.
 */

type Schema = Record<string, unknown>;

export interface CrdIndex {
  /** The directory the CRDs came from. */
  readonly dir: string;
  /** `<group>/<version>/<kind>` -> validator, compiled on first use (a large CRD takes seconds). */
  readonly validators: LazyValidators;
  /** Groups with at least one CRD. */
  readonly groups: Set<string>;
}

/** The served versions of one CRD file: `[<group>/<version>/<kind>, schema]`. */
type ParsedCrdFile = { groups: string[]; versions: Array<[string, Schema]> };

function parseCrdFile(text: string): ParsedCrdFile {
  const parsed: ParsedCrdFile = { groups: [], versions: [] };
  for (const doc of parseAllDocuments(text)) {
    const crd = doc.toJS() as {
      kind?: string;
      spec?: {
        group: string;
        names: { kind: string };
        versions: Array<{ name: string; served?: boolean; schema?: { openAPIV3Schema: Schema } }>;
      };
    };
    if (crd?.kind !== "CustomResourceDefinition" || !crd.spec) continue;
    parsed.groups.push(crd.spec.group);
    for (const version of crd.spec.versions) {
      if (version.served === false || !version.schema) continue;
      parsed.versions.push([
        `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`,
        version.schema.openAPIV3Schema,
      ]);
    }
  }
  return parsed;
}

const parsedCrds = new DiskCache("cnai-crds");
const loaded = new Map<string, CrdIndex>();

/**
 * The CRDs of a directory, once per process. Parsing 6 MB of YAML takes ~2 s, so each file's
 * parse is kept on disk as JSON, keyed by the file's content and the parser's code.
 */
export function loadCrds(dir: string): CrdIndex {
  const known = loaded.get(path.resolve(dir));
  if (known) return known;
  const schemas = new Map<string, CrdSchema>();
  const groups = new Set<string>();
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    const source = DiskCache.key(parseCrdFile.toString(), text);
    const cacheFile = parsedCrds.file(source, ".json");
    const cached = parsedCrds.read(cacheFile);
    const parsed = cached !== undefined ? (JSON.parse(cached) as ParsedCrdFile) : parseCrdFile(text);
    if (cached === undefined) parsedCrds.write(cacheFile, JSON.stringify(parsed));
    parsed.groups.forEach((group) => {
      groups.add(group);
    });
    for (const [key, schema] of parsed.versions) schemas.set(key, { schema, source });
  }
  const index = { dir, validators: new LazyValidators(schemas), groups };
  loaded.set(path.resolve(dir), index);
  return index;
}

/** A problem with one object: where and what. */
export interface ConformanceProblem {
  readonly object: string;
  readonly path: string;
  readonly message: string;
}

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata?: Record<string, unknown>;
  [field: string]: unknown;
}

const describe = (o: KubernetesObject) => {
  const m = o.metadata ?? {};
  return `${o.apiVersion} ${o.kind} ${m.namespace ? `${m.namespace}/` : ""}${m.name ?? "(no name)"}`;
};

export function groupOf(apiVersion: string): { group: string; version: string } {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return { group, version };
}

/** Validates a custom resource against its CRD; undefined when the index has no CRD for its group. */
export function validateCustomResource(object: KubernetesObject, crds: CrdIndex): ConformanceProblem[] | undefined {
  const { group, version } = groupOf(object.apiVersion);
  if (!crds.groups.has(group)) return undefined;
  const validator = crds.validators.get(`${group}/${version}/${object.kind}`);
  const name = describe(object);
  if (!validator)
    return [{ object: name, path: "", message: `no served version ${version} of ${object.kind} in ${crds.dir}` }];
  const { metadata: _metadata, ...rest } = object;
  void _metadata;
  // metadata is only `type: object` in CRDs; it is checked by validateObjectMeta.
  return validator({ ...rest, metadata: {} })
    ? []
    : (validator.errors ?? []).map((e) => ({
        object: name,
        path: e.instancePath || "/",
        message:
          e.keyword === "additionalProperties"
            ? `unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`
            : (e.message ?? e.keyword),
      }));
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Kubernetes' rules for names, namespaces, label and annotation keys, and label values. */
export function validateObjectMeta(object: KubernetesObject): ConformanceProblem[] {
  const problems: ConformanceProblem[] = [];
  const meta = object.metadata ?? {};
  const add = (p: string, message: string) =>
    problems.push({ object: describe(object), path: `/metadata${p}`, message });
  const name = meta.name;
  if (typeof name !== "string" || name.length === 0) add("/name", "a name is required");
  else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) add("/name", `"${name}" is not a DNS subdomain name`);
  if (
    meta.namespace !== undefined &&
    (typeof meta.namespace !== "string" || meta.namespace.length > 63 || !DNS_LABEL.test(meta.namespace))
  ) {
    add("/namespace", `"${String(meta.namespace)}" is not a DNS label`);
  }
  const checkKey = (where: string, key: string) => {
    const [prefix, keyName] = key.includes("/") ? key.split(/\/(.*)/s) : ["", key];
    if (
      (prefix && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) ||
      !keyName ||
      keyName.length > 63 ||
      !QUALIFIED_NAME.test(keyName)
    ) {
      add(`/${where}/${key}`, `"${key}" is not a valid ${where === "labels" ? "label" : "annotation"} key`);
    }
  };
  for (const [key, value] of Object.entries((meta.labels ?? {}) as Record<string, unknown>)) {
    checkKey("labels", key);
    if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value))
      add(`/labels/${key}`, `"${String(value)}" is not a valid label value`);
  }
  for (const key of Object.keys((meta.annotations ?? {}) as Record<string, unknown>)) checkKey("annotations", key);
  return problems;
}

/** kubernetes-models ships ES modules only; load them with a real dynamic import from CommonJS. */
const importModule = new Function("specifier", "return import(specifier)") as (
  specifier: string,
) => Promise<Record<string, unknown>>;

/** Validates a core object (v1, apps/v1, networking.k8s.io/v1, ...) with kubernetes-models. */
export async function validateCoreObject(object: KubernetesObject): Promise<ConformanceProblem[] | undefined> {
  const { group, version } = groupOf(object.apiVersion);
  const specifier = `kubernetes-models/${group ? `${group}/` : ""}${version}/${object.kind}`;
  let model: new (data: unknown) => { validate(): void };
  try {
    model = (await importModule(specifier))[object.kind] as typeof model;
  } catch {
    return undefined;
  }
  if (typeof model !== "function") return undefined;
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    const details = (error as { errors?: Array<{ instancePath?: string; message?: string }> }).errors;
    return (details?.length ? details : [{ instancePath: "", message: (error as Error).message }]).map((e) => ({
      object: describe(object),
      path: e.instancePath || "/",
      message: e.message ?? "invalid",
    }));
  }
}

export interface ConformanceReport {
  customResources: number;
  coreObjects: number;
  problems: ConformanceProblem[];
}

/** Checks every object: CRD or core schema, and ObjectMeta. An object with no schema at all is a problem. */
export async function checkObjects(objects: KubernetesObject[], crds: CrdIndex): Promise<ConformanceReport> {
  const report: ConformanceReport = { customResources: 0, coreObjects: 0, problems: [] };
  for (const object of objects) {
    report.problems.push(...validateObjectMeta(object));
    const custom = validateCustomResource(object, crds);
    if (custom) {
      report.customResources++;
      report.problems.push(...custom);
      continue;
    }
    const core = await validateCoreObject(object);
    if (core) {
      report.coreObjects++;
      report.problems.push(...core);
      continue;
    }
    report.problems.push({
      object: describe(object),
      path: "",
      message: `no schema: ${object.apiVersion} is neither a Kubernetes API nor a CRD in ${crds.dir} (npm run fetch-crds downloads the pinned CRDs)`,
    });
  }
  return report;
}
