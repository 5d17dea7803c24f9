/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource/quantity.go): a number with
 * an optional binary (Ki..Ei), decimal (n, u, m, k, M, G, T, P, E) or exponent (e3, E3) suffix.
 *
 * Values are kept as integers in the unit admission and the scheduler compare in: millicores for
 * `cpu` (and its `requests.`/`limits.` forms), whole units for everything else (bytes, devices),
 * rounded up as Quantity.MilliValue() and Quantity.Value() round.
 */
const BINARY: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const PATTERN = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** The quantity as a number of base units (cores, bytes, devices); undefined when it does not parse. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = PATTERN.exec(value.trim());
  if (!match) return undefined;
  const number = Number(match[1]);
  if (match[3] !== undefined) return number * 10 ** Number(match[3]);
  const suffix = match[2] ?? "";
  return number * (BINARY[suffix] ?? DECIMAL[suffix]);
}

/** Whether a resource is counted in millicores (CPU) rather than whole units. */
export const isMilliResource = (name: string): boolean =>
  name === "cpu" || name === "requests.cpu" || name === "limits.cpu";

/** The quantity in the unit its resource is compared in (see above); undefined when it does not parse. */
export function amountOf(name: string, value: unknown): number | undefined {
  const parsed = parseQuantity(value);
  if (parsed === undefined) return undefined;
  return roundUp(isMilliResource(name) ? parsed * 1000 : parsed);
}

/**
 * Rounded up, as ScaledValue rounds (ceil): a fraction is first cut to 15 significant digits, the
 * precision of a double, so that floating-point noise (0.1 * 1000 is 100.00000000000001) does not
 * round up while a real fraction, however small (1n of a byte), does.
 */
const roundUp = (value: number): number => (Number.isInteger(value) ? value : Math.ceil(Number(value.toPrecision(15))));

/** An amount written back as a quantity, for messages: `1500m`, `2`, `40Gi`, `256Mi`. */
export function formatAmount(name: string, amount: number): string {
  if (isMilliResource(name)) return amount % 1000 === 0 ? String(amount / 1000) : `${amount}m`;
  if (isByteResource(name)) {
    for (const [suffix, size] of [
      ["Ti", 2 ** 40],
      ["Gi", 2 ** 30],
      ["Mi", 2 ** 20],
    ] as const) {
      if (amount >= size && amount % size === 0) return `${amount / size}${suffix}`;
    }
    if (amount >= 2 ** 30) return `${(amount / 2 ** 30).toFixed(2)}Gi`;
    if (amount >= 2 ** 20) return `${(amount / 2 ** 20).toFixed(1)}Mi`;
    if (amount >= 2 ** 10 && amount % 2 ** 10 === 0) return `${amount / 2 ** 10}Ki`;
  }
  return String(amount);
}

const isByteResource = (name: string): boolean =>
  /(^|\.)(memory|ephemeral-storage|storage)$/.test(name) || /(^|\.)hugepages-/.test(name);

/** Resource amounts by resource name. */
export type Amounts = Record<string, number>;

/** A resource list (`{ cpu: "1", memory: "2Gi" }`) as amounts; entries that do not parse are left out. */
export function amountsOf(list: unknown): Amounts {
  const result: Amounts = {};
  if (!list || typeof list !== "object") return result;
  for (const [name, value] of Object.entries(list as Record<string, unknown>)) {
    const amount = amountOf(name, value);
    if (amount !== undefined) result[name] = amount;
  }
  return result;
}

export function addAmounts(into: Amounts, add: Amounts, times = 1): Amounts {
  for (const [name, amount] of Object.entries(add)) into[name] = (into[name] ?? 0) + amount * times;
  return into;
}

export function maxAmounts(into: Amounts, other: Amounts): Amounts {
  for (const [name, amount] of Object.entries(other)) into[name] = Math.max(into[name] ?? 0, amount);
  return into;
}

/** `cpu=1500m, memory=40Gi`, for messages: cpu, memory and storage first, Pods last. */
export function describeAmounts(amounts: Amounts, names: readonly string[] = Object.keys(amounts)): string {
  return [...names]
    .filter((n) => amounts[n] !== undefined)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((n) => `${n}=${formatAmount(n, amounts[n])}`)
    .join(", ");
}

const ORDER = ["cpu", "memory", "ephemeral-storage"];
const rank = (name: string): number => {
  const base = name.replace(/^(requests|limits)\./, "");
  if (base === "pods" || name === "count/pods") return 99;
  const at = ORDER.indexOf(base);
  return at >= 0 ? at : 50;
};
