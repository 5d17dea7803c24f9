/**
 * Loads the project's TypeScript for `plan`, `policy`, the other scripts and the tests: each file is
 * transpiled alone (no type-checking; `npm test` runs `tsc --noEmit` once for that), and the result
 * is kept in a content-addressed cache, so a run whose sources have not changed neither transpiles
 * nor loads the TypeScript compiler (~0.3 s), and only changed files cost anything.
 *
 * The cache key is the file's name and content, the compiler options of tsconfig.json and the
 * TypeScript version; entries are never stale, only unused. The cache lives in
 * node_modules/.cache/cnai-ts (CNAI_TS_CACHE to move it; CNAI_TS_CACHE=off or CNAI_CACHE=off to
 * disable it, the latter for every cache of the project). Node's compile cache (compiled code of
 * every CommonJS module, the SDKs' too) is turned on beside it, in node_modules/.cache/cnai-v8.
 * With diagnostics on (the tests, --verbose, CNAI_DIAGNOSTICS=1), stack traces point at the
 * TypeScript lines through inline source maps.
 *
 * Plain JavaScript on purpose: it is what loads TypeScript. The Pulumi CLI does not use it; `pulumi
 * up` loads the program with ts-node in transpile-only mode (tsconfig.json's "ts-node" section).
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const CACHE = process.env.CNAI_TS_CACHE || path.join(ROOT, "node_modules", ".cache", "cnai-ts");
const CACHING = process.env.CNAI_TS_CACHE !== "off" && process.env.CNAI_CACHE !== "off";

const tsconfigText = fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8");
const typescriptVersion = JSON.parse(fs.readFileSync(require.resolve("typescript/package.json"), "utf8")).version;
// This file's own text too: how it transpiles (the options below) is part of every entry.
const salt = `${typescriptVersion}\0${tsconfigText}\0${fs.readFileSync(__filename, "utf8")}`;

let compiler;
/** The TypeScript compiler and the project's options, loaded on the first cache miss only. */
function typescript() {
  if (!compiler) {
    const ts = require("typescript");
    const { options, errors } = ts.convertCompilerOptionsFromJson(JSON.parse(tsconfigText).compilerOptions, ROOT);
    if (errors.length)
      throw new Error(
        `tsconfig.json: ${errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, "\n")).join("; ")}`,
      );
    // tsconfig's outDir (and rootDir, mapRoot, sourceRoot) describe `tsc`'s output tree, not a file
    // loaded in place: with outDir "bin", a source map's `sources` would be "../stacks/config/load.ts",
    // which Node resolves against the loaded file itself (stacks/config/), giving
    // stacks/stacks/config/load.ts in every stack trace. Without them the map names the file beside it.
    const { outDir, rootDir, mapRoot, sourceRoot, ...inPlace } = options;
    compiler = {
      ts,
      options: {
        ...inPlace,
        sourceMap: false,
        inlineSourceMap: true,
        inlineSources: false,
        declaration: false,
        noEmit: false,
        isolatedModules: true,
      },
    };
  }
  return compiler;
}

function transpile(source, filename) {
  const { ts, options } = typescript();
  const out = ts.transpileModule(source, { compilerOptions: options, fileName: filename, reportDiagnostics: true });
  const syntax = (out.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (syntax.length) {
    const d = syntax[0];
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    throw new SyntaxError(
      `${path.relative(process.cwd(), filename)}${where ? `:${where.line + 1}:${where.character + 1}` : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
    );
  }
  return out.outputText;
}

function compiled(source, filename) {
  if (!CACHING) return transpile(source, filename);
  const key = crypto
    .createHash("sha1")
    .update(salt)
    .update("\0")
    // The file's name, not its folder: the output (source map included) names only the file, so a
    // copy of the project elsewhere (the fork test's) reuses the entries.
    .update(path.basename(filename))
    .update("\0")
    .update(source)
    .digest("hex");
  const file = path.join(CACHE, key.slice(0, 2), `${key}.js`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    const js = transpile(source, filename);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Write then rename: a parallel process never reads half a file.
      const partial = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(partial, js);
      fs.renameSync(partial, file);
    } catch {
      // A read-only or full disk only costs the next run the transpilation.
    }
    return js;
  }
}

// Node's own on-disk cache of compiled code (V8 code cache, Node >= 22.1) for every CommonJS module
// these processes load: the Pulumi SDKs and the project's transpiled modules alike (about a quarter
// of the CPU time of loading the SDKs). Keyed by content and V8 version; off with the other caches.
const nodeModule = require("node:module");
if (CACHING && typeof nodeModule.enableCompileCache === "function" && !process.env.NODE_COMPILE_CACHE) {
  nodeModule.enableCompileCache(path.join(ROOT, "node_modules", ".cache", "cnai-v8"));
}

// The SDK's eager load of the TypeScript compiler, deferred to its first use (see the file).
require("./lib/defer-typescript.js");

require.extensions[".ts"] = function loadTypeScript(module, filename) {
  module._compile(compiled(fs.readFileSync(filename, "utf8"), filename), filename);
};
// Diagnostics: the tests and --verbose runs print stack traces, so they get source-mapped ones.
// Other runs print messages only, and skip the cost of stacks nobody reads: source maps (~0.3 s a
// plan) and the stack the Pulumi SDK captures for every promise it creates (~0.1 s).
const diagnostics =
  process.env.CNAI_DIAGNOSTICS === "1" ||
  (process.env.CNAI_DIAGNOSTICS !== "0" && (process.argv.includes("--verbose") || /mocha/.test(process.argv[1] || "")));
if (diagnostics) {
  process.setSourceMapsEnabled(true);
} else {
  Error.stackTraceLimit = 0;
}
