import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import * as ts from "typescript";
import type { ShippedPack } from "../../policies/lib/packs";
import { UsageError } from "./project-files";

/**
 * Self-contained, publishable policy packs. The pack folders import what both packs share
 * (policies/lib, components/catalog), which `pulumi policy publish` would leave behind: it uploads
 * the folder alone (`npm pack` of it, pkg/backend/httpstate/policypack.go Publish), and Pulumi Cloud
 * installs the pack's own dependencies into the unpacked folder before running it
 * (installRequiredPolicy: extract, then the language host's InstallDependencies, `npm install`).
 *
 * `buildPack` follows the pack's imports from its index.ts with TypeScript's own module resolution
 * and copies every local file it reaches, byte for byte, at its repository path, into
 * `<out>/<pack dir>/`; package.json gets exact versions of the npm packages those files import
 * plus what the host needs to run a TypeScript pack (the SDK's run-policy-pack, and the compiler
 * and ts-node it type-checks with; without them it falls back to the TypeScript 3.8 and ts-node 7
 * vendored in @pulumi/pulumi, tsutils.ts typeScriptRequireStrings). Nothing moves in the repository:
 * a policy that imports a new shared module is carried along by the next build.
 */
export const PACKS_OUT = path.join("dist", "policy-packs");

/** Packages the host itself loads from the pack folder (run-policy-pack; the compiler ts-node uses). */
export const HOST_RUNTIME = ["@pulumi/pulumi", "typescript", "ts-node"] as const;

/** The files every pack folder carries besides its code: the CLI reads PulumiPolicy.yaml, the host tsconfig.json. */
export const PACK_META_FILES = ["PulumiPolicy.yaml", "README.md", "tsconfig.json"] as const;

export interface PackClosure {
  /** Local files reached from the entry point, relative to the root, sorted. */
  readonly files: string[];
  /** npm packages imported (bare specifiers' package names), sorted. */
  readonly packages: string[];
}

const RESOLUTION: ts.CompilerOptions = {
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  resolveJsonModule: true,
};
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** The package a bare specifier names (`@pulumi/policy/proxy` → `@pulumi/policy`). */
export const packageOf = (specifier: string): string =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/** Every local file and npm package a TypeScript entry point reaches through its imports (type imports included). */
export function packClosure(root: string, entry: string): PackClosure {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [path.resolve(root, entry)];
  while (pending.length) {
    const file = pending.pop()!;
    const relative = path.relative(root, file);
    if (files.has(relative)) continue;
    if (relative.startsWith("..") || path.isAbsolute(relative))
      throw new UsageError(`${entry}: imports ${file}, outside the project`);
    files.add(relative);
    if (!/\.tsx?$/.test(file)) continue;
    const source = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
    for (const imported of source.importedFiles) {
      const specifier = imported.fileName;
      if (BUILTINS.has(specifier)) continue;
      if (!specifier.startsWith(".") && !path.isAbsolute(specifier)) {
        packages.add(packageOf(specifier));
        continue;
      }
      const resolved = ts.resolveModuleName(specifier, file, RESOLUTION, ts.sys).resolvedModule;
      if (!resolved) throw new UsageError(`${relative}: cannot resolve ${JSON.stringify(specifier)}`);
      pending.push(resolved.resolvedFileName);
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}

/**
 * The DefinitelyTyped package a pack needs beside a package that ships no typings (js-yaml):
 * the CLI's ts-node type-checks the pack, and a lone pack has no root node_modules to find them in.
 */
export function typesPackageOf(root: string, name: string): string[] {
  if (name.startsWith("@types/")) return [];
  const manifest = JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [root] }), "utf8")) as {
    types?: string;
    typings?: string;
  };
  if (
    manifest.types ||
    manifest.typings ||
    fs.existsSync(path.join(path.dirname(require.resolve(`${name}/package.json`, { paths: [root] })), "index.d.ts"))
  )
    return [];
  const types = `@types/${name.startsWith("@") ? name.slice(1).replace("/", "__") : name}`;
  try {
    require.resolve(`${types}/package.json`, { paths: [root] });
    return [types];
  } catch {
    return [];
  }
}

/** The installed (locked) version of a package at the root: package.json pins exact versions. */
export function installedVersion(root: string, name: string): string {
  const manifest = require.resolve(`${name}/package.json`, { paths: [root] });
  return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version.replace(/^v/, "");
}

export interface BuiltPack {
  readonly dir: string;
  readonly packageJson: Record<string, unknown>;
  readonly closure: PackClosure;
}

/** Builds one pack into `<out>/<pack.dir>/` (replacing what was there). */
export function buildPack(
  root: string,
  pack: Pick<ShippedPack, "dir" | "name" | "description">,
  out: string,
): BuiltPack {
  const source = path.join(root, "policies", pack.dir);
  const entry = path.join("policies", pack.dir, "index.ts");
  const closure = packClosure(root, entry);
  const dir = path.join(out, pack.dir);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const file of closure.files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(dir, file));
  }
  for (const file of PACK_META_FILES) {
    if (!fs.existsSync(path.join(source, file)))
      throw new UsageError(
        `policies/${pack.dir}/${file}: missing; every pack folder has ${PACK_META_FILES.join(", ")}`,
      );
    fs.copyFileSync(path.join(source, file), path.join(dir, file));
  }
  const own = JSON.parse(fs.readFileSync(path.join(source, "package.json"), "utf8")) as Record<string, unknown>;
  const rootManifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as Record<string, unknown>;
  const imported = [...new Set([...closure.packages, ...HOST_RUNTIME])];
  const names = [...new Set([...imported, ...imported.flatMap((name) => typesPackageOf(root, name))])].sort();
  const packageJson = {
    name: own.name,
    version: own.version,
    description: pack.description,
    license: rootManifest.license,
    private: true,
    main: `policies/${pack.dir}/index.ts`,
    dependencies: Object.fromEntries(names.map((name) => [name, installedVersion(root, name)])),
  };
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(packageJson, null, 2)}\n`);
  const problems = selfContainmentProblems(dir);
  if (problems.length)
    throw new UsageError(`${path.relative(process.cwd(), dir)}: not self-contained: ${problems.join("; ")}`);
  return { dir, packageJson, closure };
}

/**
 * What stops a pack folder from loading alone: an import that does not resolve inside the folder,
 * or a package it imports without declaring it in package.json. Empty for a self-contained pack.
 */
export function selfContainmentProblems(dir: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
    main?: string;
    dependencies?: Record<string, string>;
  };
  if (!manifest.main) return ["package.json has no main"];
  let closure: PackClosure;
  try {
    closure = packClosure(dir, manifest.main);
  } catch (error) {
    return [(error as Error).message];
  }
  return closure.packages
    .filter((name) => !(name in (manifest.dependencies ?? {})))
    .map((name) => `imports ${name}, which package.json does not declare`);
}
