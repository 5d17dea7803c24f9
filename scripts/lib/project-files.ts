import * as fs from "node:fs";
import * as path from "node:path";
import { load as loadYaml, YAMLException } from "js-yaml";

/** A user-facing error of the command-line tools: printed without a stack trace, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The parts of `Pulumi.yaml` the offline engine uses. */
export interface ProjectFile {
  readonly root: string;
  readonly name: string;
  /** The program's entry point, absolute. */
  readonly main: string;
  /** Where stack files live, absolute. */
  readonly stackConfigDir: string;
  /** Project-level config defaults (`config:` in Pulumi.yaml), by full key. */
  readonly configDefaults: Readonly<Record<string, unknown>>;
}

/** A stack's configuration as the Pulumi CLI hands it to the program. */
export interface StackConfigFile {
  /** The stack file, relative to the project root (`stacks/Pulumi.dev.yaml`). */
  readonly file: string;
  /** Every value by full key; objects as JSON text, scalars as text. */
  readonly values: Record<string, string>;
  /** Keys whose values are secret (`secure:` in the file). */
  readonly secretKeys: string[];
}

/**
 * The top-level keys of a stack file, pulumi/pulumi sdk/go/common/workspace/project.go `ProjectStack`
 * (yaml tags secretsprovider, encryptedkey, encryptionsalt, config, environment). The CLI's
 * LoadProjectStackBytes (sdk/go/common/workspace/loaders.go) unmarshals the file into that struct,
 * so any other key, a setting written without `config:` above it, is dropped without a word and the
 * program then reports the key as missing.
 */
export const STACK_FILE_KEYS = ["config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"];

/** Shown in place of a `secure:` value, which cannot be decrypted offline. */
export const SECRET_PLACEHOLDER = "[secret]";

export function readProjectFile(root: string): ProjectFile {
  const file = path.join(root, "Pulumi.yaml");
  const doc = readYamlFile(file, "Pulumi.yaml") as Record<string, unknown> | null;
  if (!doc || typeof doc.name !== "string") throw new UsageError(`${file}: no project name (name:)`);
  const main = typeof doc.main === "string" ? doc.main : ".";
  const stackConfigDir = typeof doc.stackConfigDir === "string" ? doc.stackConfigDir : ".";
  const configDefaults: Record<string, unknown> = {};
  const config = (doc.config ?? {}) as Record<string, unknown>;
  for (const [key, spec] of Object.entries(config)) {
    const fullKey = key.includes(":") ? key : `${doc.name}:${key}`;
    if (spec && typeof spec === "object" && !Array.isArray(spec)) {
      const s = spec as Record<string, unknown>;
      if ("value" in s) configDefaults[fullKey] = s.value;
      else if ("default" in s) configDefaults[fullKey] = s.default;
    } else {
      configDefaults[fullKey] = spec;
    }
  }
  return {
    root,
    name: doc.name,
    main: path.resolve(root, main),
    stackConfigDir: path.resolve(root, stackConfigDir),
    configDefaults,
  };
}

/** The stacks that have a stack file. */
export function listStacks(project: ProjectFile): string[] {
  if (!fs.existsSync(project.stackConfigDir)) return [];
  return fs
    .readdirSync(project.stackConfigDir)
    .map((name) => /^Pulumi\.(.+)\.ya?ml$/.exec(name)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/**
 * Reads `Pulumi.<stack>.yaml` as the CLI does: keys without a namespace belong to the project,
 * objects and lists are passed as JSON, scalars as text, `secure:` values are secrets.
 */
export function readStackConfigFile(project: ProjectFile, stack: string): StackConfigFile {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
    throw new UsageError(`invalid stack name "${stack}": use letters, digits, '-', '_' and '.'`);
  }
  const file = path.join(project.stackConfigDir, `Pulumi.${stack}.yaml`);
  const relative = path.relative(project.root, file);
  if (!fs.existsSync(file)) {
    const stacks = listStacks(project);
    throw new UsageError(`no stack file ${relative} for stack "${stack}"; stacks: ${stacks.join(", ") || "none"}`);
  }
  const doc = (readYamlFile(file, relative) ?? {}) as Record<string, unknown>;
  if (typeof doc !== "object" || Array.isArray(doc))
    throw new UsageError(`${relative}: expected a mapping with a config: key`);
  const outside = Object.keys(doc).filter((key) => !STACK_FILE_KEYS.includes(key));
  if (outside.length) {
    throw new UsageError(
      `${relative}: ${outside.join(", ")} ${outside.length === 1 ? "is" : "are"} at the top level, where Pulumi ignores ${outside.length === 1 ? "it" : "them"}: ` +
        `stack settings go under config: (a line "config:", then each key indented by two spaces, as in stacks/Pulumi.dev.yaml); ` +
        `top-level keys of a stack file: ${STACK_FILE_KEYS.join(", ")}`,
    );
  }
  const config = doc.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new UsageError(`${relative}: config: must be a mapping of keys to values`);
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  const merged: Record<string, unknown> = { ...project.configDefaults };
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    merged[key.includes(":") ? key : `${project.name}:${key}`] = value;
  }
  for (const [key, value] of Object.entries(merged)) {
    const { text, secret } = configText(value);
    values[key] = text;
    if (secret) secretKeys.push(key);
  }
  return { file: relative, values, secretKeys };
}

function configText(value: unknown): { text: string; secret: boolean } {
  if (isSecure(value)) return { text: SECRET_PLACEHOLDER, secret: true };
  if (value !== null && typeof value === "object") {
    let secret = false;
    const plain = JSON.stringify(value, (_key, v) => {
      if (isSecure(v)) {
        secret = true;
        return SECRET_PLACEHOLDER;
      }
      return v;
    });
    return { text: plain, secret };
  }
  return { text: value === null || value === undefined ? "" : String(value), secret: false };
}

function isSecure(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

function readYamlFile(file: string, shownAs: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`${shownAs}: cannot read: ${(error as Error).message}`);
  }
  try {
    // YAML 1.2's core schema, duplicate keys refused, as the Pulumi CLI reads stack files (go-yaml v3).
    return loadYaml(text, { filename: shownAs });
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = error.mark;
      const where = mark ? `:${mark.line + 1}:${mark.column + 1}` : "";
      const excerpt = mark?.snippet ? `\n${mark.snippet.replace(/^/gm, "    ")}` : "";
      throw new UsageError(`${shownAs}${where}: invalid YAML: ${error.reason}${excerpt}`);
    }
    throw error;
  }
}
