import * as assert from "node:assert";
import { listStacks, readProjectFile, readStackConfigFile } from "../../scripts/lib/project-files";
import { ConfigError } from "../../stacks/config/errors";
import { CONFIG_NAMESPACE, resolveConfig } from "../../stacks/config/load";
import { gcpSchema, settingsSchema } from "../../stacks/config/schema";
import { ROOT } from "../helpers/run";

/**
 * Every object of the config schema refuses keys it does not know, so a typo (`relaseChannel`,
 * `maxClientPerGpu`) is an error instead of a setting silently dropped. One walk over the whole
 * zod schema finds every object node; each one gets an unknown key, inside an otherwise valid
 * shipped stack, and the loader must name exactly that key as the one problem.
 */

type Def = Record<string, unknown> & { type: string };
type Node = { _zod: { def: Def } };
/** A path into the settings: object keys, and `[]` for "an element of this list" (or "a value of this record"). */
type SchemaPath = (string | "[]")[];

const UNKNOWN = "zzNotASetting";

/** Every object node under `schema` with its path; wrappers (optional, default, pipe, ...) are looked through. */
function objectNodes(schema: Node, at: SchemaPath = []): { path: SchemaPath; node: Node }[] {
  const def = schema._zod.def;
  switch (def.type) {
    case "object":
      return [
        { path: at, node: schema },
        ...Object.entries(def.shape as Record<string, Node>).flatMap(([key, child]) =>
          objectNodes(child, [...at, key]),
        ),
      ];
    case "array":
      return objectNodes(def.element as Node, [...at, "[]"]);
    case "record":
      return objectNodes(def.valueType as Node, [...at, "[]"]);
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
    case "readonly":
    case "nonoptional":
      return objectNodes(def.innerType as Node, at);
    case "pipe":
      return [...objectNodes(def.in as Node, at), ...objectNodes(def.out as Node, at)];
    case "union":
      return (def.options as Node[]).flatMap((option) => objectNodes(option, at));
    default:
      return [];
  }
}

/** z.strictObject: unknown keys meet a `never` catch-all (zod 4: https://zod.dev/api#zstrictobject). */
const isStrict = (node: Node) => (node._zod.def.catchall as Node | undefined)?._zod.def.type === "never";

const show = (path: SchemaPath) => path.join(".").replace(/\.\[\]/g, "[]") || "(the settings)";

interface Shipped {
  stack: string;
  file: string;
  values: Record<string, string>;
  settings: Record<string, unknown>;
}

/**
 * The shipped stacks, raw and as the loader validated them (defaults filled in), and one variant for
 * each object none of them sets: prod with an authorized network (a private range, RFC 1918) and a
 * pool's upgrade settings, dev with a Ray head size and a transfer exemption.
 */
function shippedStacks(): Shipped[] {
  const project = readProjectFile(ROOT);
  const read = (stack: string, change: Record<string, unknown> = {}): Shipped => {
    const config = readStackConfigFile(project, stack);
    const values = { ...config.values };
    for (const [key, value] of Object.entries(change)) values[`${CONFIG_NAMESPACE}:${key}`] = JSON.stringify(value);
    const settings = resolveConfig({ stack, file: config.file, values }).settings as unknown as Record<string, unknown>;
    return { stack, file: config.file, values, settings };
  };
  const stacks = listStacks(project).map((stack) => read(stack));
  const prod = stacks.find((s) => s.stack === "prod")!;
  const cluster = prod.settings.cluster as Record<string, unknown>;
  const pools = prod.settings.gpuPools as Record<string, unknown>[];
  const dev = stacks.find((s) => s.stack === "dev")!;
  const ray = dev.settings.ray as { clusters: Record<string, unknown>[] };
  const transfers = dev.settings.transfers as Record<string, unknown>;
  return [
    ...stacks,
    read("prod", { cluster: { ...cluster, masterAuthorizedNetworks: [{ name: "vpn", cidr: "172.16.0.0/24" }] } }),
    // GKE's setting for a scarce training pool (docs/resilience.md), written out.
    read("prod", {
      gpuPools: pools.map((pool) =>
        pool.workloadType === "training" ? { ...pool, upgrade: { maxSurge: 0, maxUnavailable: 1 } } : pool,
      ),
    }),
    // A head of the profile's CPU, and an exemption no transfer uses.
    read("dev", { ray: { ...ray, clusters: ray.clusters.map((c) => ({ ...c, head: { cpu: 1 } })) } }),
    read("dev", {
      transfers: {
        ...transfers,
        exemptions: [
          { name: "audit-samples", classification: "confidential", reason: "sampled audit data for the fraud model" },
        ],
      },
    }),
  ];
}

/** A concrete path (list indices filled in) to an object at `path` in `value`, if the value has one there. */
function concrete(value: unknown, path: SchemaPath): (string | number)[] | undefined {
  if (path.length === 0) return typeof value === "object" && value !== null && !Array.isArray(value) ? [] : undefined;
  const [head, ...rest] = path;
  if (head === "[]") {
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : typeof value === "object" && value !== null
        ? Object.entries(value)
        : [];
    for (const [key, child] of entries) {
      const found = concrete(child, rest);
      if (found) return [key, ...found];
    }
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const child = (value as Record<string, unknown>)[head];
  const found = child === undefined ? undefined : concrete(child, rest);
  return found ? [head, ...found] : undefined;
}

/** A deep copy of `value` with `UNKNOWN: true` added to the object at `path`. */
function withUnknownKey(value: unknown, path: (string | number)[]): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let target = copy;
  for (const part of path) target = target[part] as Record<string | number, unknown>;
  target[UNKNOWN] = true;
  return copy;
}

const keyPath = (path: (string | number)[]) =>
  path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${p}`)).join("");

describe("strict config objects", () => {
  const settingsObjects = objectNodes(settingsSchema as unknown as Node);

  it("the walk finds every object of the schema (the settings and their nested sections)", () => {
    const paths = settingsObjects.map((o) => show(o.path));
    // A sample the walk must reach: top level, nested, inside lists, inside optional objects.
    for (const expected of [
      "(the settings)",
      "cluster.systemPool",
      "gpuPools[].accelerator.sharing",
      "gpuPools[].capacity.reservation",
      "teams[].quota",
      "training.jobs[]",
      "serving.serverless",
      "observability.thresholds",
    ])
      assert.ok(paths.includes(expected), `${expected} in ${paths.join(", ")}`);
    assert.ok(paths.length >= 25, `${paths.length} objects`);
  });

  it("every object of the settings and the gcp schema is strict", () => {
    const loose = [
      ...settingsObjects.filter((o) => !isStrict(o.node)).map((o) => show(o.path)),
      ...objectNodes(gcpSchema as unknown as Node)
        .filter((o) => !isStrict(o.node))
        .map((o) => `gcp:${show(o.path)}`),
    ];
    assert.deepStrictEqual(loose, [], "objects that would drop unknown keys silently (use z.strictObject)");
  });

  describe("an unknown key at each object of a valid shipped stack is the one problem, named with its path", () => {
    const stacks = shippedStacks();

    it("the shipped stacks hold a value at every object path (so every object is tried below)", () => {
      const missing = settingsObjects
        .filter((o) => o.path.length > 0 && !stacks.some((s) => concrete(s.settings, o.path)))
        .map((o) => show(o.path));
      assert.deepStrictEqual(missing, []);
    });

    for (const { path } of settingsObjects) {
      if (path.length === 0) {
        it("(the settings): an unknown top-level key", () => {
          const { stack, file, values } = stacks[0];
          const problems = problemsOf({
            stack,
            file,
            values: { ...values, [`${CONFIG_NAMESPACE}:${UNKNOWN}`]: "true" },
          });
          assert.deepStrictEqual(
            problems.map((p) => [p.key, p.unknownKey]),
            [[`${CONFIG_NAMESPACE}:${UNKNOWN}`, true]],
          );
        });
        continue;
      }
      it(show(path), () => {
        const shipped = stacks.find((s) => concrete(s.settings, path));
        assert.ok(shipped, `no shipped stack has ${show(path)}`);
        const where = concrete(shipped.settings, path)!;
        const [top, ...inside] = where as [string, ...(string | number)[]];
        const changed = withUnknownKey(shipped.settings[top], inside);
        const problems = problemsOf({
          stack: shipped.stack,
          file: shipped.file,
          values: { ...shipped.values, [`${CONFIG_NAMESPACE}:${top}`]: JSON.stringify(changed) },
        });
        const expected = `${CONFIG_NAMESPACE}:${keyPath([...where, UNKNOWN])}`;
        assert.deepStrictEqual(
          problems.map((p) => [p.key, p.unknownKey]),
          [[expected, true]],
          `${shipped.stack}: ${problems.map((p) => `${p.key}: ${p.allowed}`).join("; ")}`,
        );
        assert.match(problems[0].allowed, /^one of \S/, `names the keys allowed there: ${problems[0].allowed}`);
        assert.match(
          new ConfigError(shipped.file, problems).message,
          new RegExp(
            `^  ${shipped.file.replace(/\./g, "\\.")}: ${escapeRegExp(expected)}: unknown key; allowed: one of `,
            "m",
          ),
        );
      });
    }
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function problemsOf(raw: Parameters<typeof resolveConfig>[0]): ConfigError["problems"] {
  try {
    resolveConfig(raw);
  } catch (error) {
    if (ConfigError.isConfigError(error)) return error.problems;
    throw error;
  }
  assert.fail("the loader accepted an unknown key");
}
