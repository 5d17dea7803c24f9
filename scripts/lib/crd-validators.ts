import Module = require("node:module");

import Ajv, { type ValidateFunction } from "ajv";
import standaloneCode from "ajv/dist/standalone";
import { DiskCache } from "./disk-cache";
import { re2Engine, untranslatedPatterns } from "./re2-pattern";

type Schema = Record<string, unknown>;

/** A CRD version's schema and a digest of the file it came from. */
export interface CrdSchema {
  readonly schema: Schema;
  readonly source: string;
}

/** The schema with every object that lists properties closed to unknown fields. */
export function closeSchema(schema: Schema): Schema {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== "object") return node;
    const out: Schema = {};
    for (const [key, value] of Object.entries(node as Schema)) {
      out[key] =
        key === "properties" && value && typeof value === "object"
          ? Object.fromEntries(Object.entries(value as Schema).map(([p, s]) => [p, visit(s)]))
          : visit(value);
    }
    const open = out["x-kubernetes-preserve-unknown-fields"] === true;
    if (out.properties && out.additionalProperties === undefined && !open) out.additionalProperties = false;
    return out;
  };
  return visit(schema) as Schema;
}

const RE2_MODULE = require.resolve("./re2-pattern");
const regExpEngine = Object.assign(re2Engine, { code: `require(${JSON.stringify(RE2_MODULE)}).re2Engine` });
const AJV_VERSION = (require("ajv/package.json") as { version: string }).version;
const AJV_OPTIONS = { strict: false, allErrors: true, validateFormats: false } as const;
/** Everything a compiled validator depends on besides its schema. */
const COMPILER = [
  AJV_VERSION,
  JSON.stringify(AJV_OPTIONS),
  closeSchema.toString(),
  re2Engine.toString(),
  RE2_MODULE,
].join("\0");

/** Runs cached CommonJS code as a module of this directory (so it finds ajv's runtime wherever the cache is). */
function loadModule(code: string, filename: string): unknown {
  const loaded = new Module(filename, module) as Module & { _compile(code: string, filename: string): void };
  loaded.filename = filename;
  loaded.paths = module.paths;
  loaded._compile(code, filename);
  return loaded.exports;
}

/**
 * Validators by key, each compiled from its schema the first time it is asked for (the
 * InferenceService CRD takes ~4 s to compile) and kept on disk as ajv standalone code, so later
 * processes load it in milliseconds.
 */
export class LazyValidators {
  private readonly compiled = new Map<string, ValidateFunction>();
  private ajv?: Ajv;
  private readonly cache = new DiskCache("cnai-crd-validators");
  constructor(private readonly schemas: ReadonlyMap<string, CrdSchema>) {}

  get size(): number {
    return this.schemas.size;
  }

  has(key: string): boolean {
    return this.schemas.has(key);
  }

  /** Every `pattern` of every schema that JavaScript cannot compile, even translated from RE2. */
  untranslatablePatterns(): string[] {
    const failed: string[] = [];
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) {
        node.forEach(visit);
        return;
      }
      if (!node || typeof node !== "object") return;
      for (const [key, value] of Object.entries(node as Schema)) {
        if (key === "pattern" && typeof value === "string") {
          const before = untranslatedPatterns.length;
          re2Engine(value, "u");
          if (untranslatedPatterns.length > before) failed.push(...untranslatedPatterns.splice(before));
        } else {
          visit(value);
        }
      }
    };
    for (const { schema } of this.schemas.values()) visit(schema);
    return failed;
  }

  /** Where the compiled validator of a key is kept on disk. */
  cacheFile(key: string): string | undefined {
    const crd = this.schemas.get(key);
    return crd && this.cache.file(DiskCache.key(COMPILER, crd.source, key), ".js");
  }

  get(key: string): ValidateFunction | undefined {
    let validator = this.compiled.get(key);
    if (validator) return validator;
    const crd = this.schemas.get(key);
    const file = this.cacheFile(key);
    if (!crd || !file) return undefined;
    const code = this.cache.read(file);
    if (code !== undefined) {
      validator = loadModule(code, file) as ValidateFunction;
    } else {
      this.ajv ??= new Ajv({ ...AJV_OPTIONS, code: { source: this.cache.enabled, regExp: regExpEngine } });
      validator = this.ajv.compile(closeSchema(crd.schema));
      if (this.cache.enabled) this.cache.write(file, standaloneCode(this.ajv, validator));
    }
    this.compiled.set(key, validator);
    return validator;
  }
}
