import * as assert from "node:assert";
import {
  addAmounts,
  amountOf,
  amountsOf,
  describeAmounts,
  formatAmount,
  parseQuantity,
} from "../../../policies/lib/analysis/workloads/quantity";

/**
 * Resource quantities as k8s.io/apimachinery/pkg/api/resource parses and rounds them: quantity.go
 * ParseQuantity (suffixes Ki..Ei, n..E, e<exp>/E<exp>), UnmarshalJSON (surrounding spaces trimmed,
 * JSON numbers accepted), MilliValue and Value (rounded up); and the canonical form String() gives
 * (BinarySI for bytes, DecimalSI for cpu in millicores and for devices).
 */
describe("workload simulation: resource quantities (apimachinery pkg/api/resource/quantity.go)", () => {
  describe("parseQuantity: the value in base units, or undefined where ParseQuantity fails", () => {
    const cases: Array<[unknown, number | undefined]> = [
      ["1", 1],
      ["1.5", 1.5],
      [".5", 0.5],
      ["100m", 0.1],
      ["1Ki", 1024],
      ["1Mi", 2 ** 20],
      ["1Gi", 2 ** 30],
      ["1k", 1000],
      ["1M", 1e6],
      ["1G", 1e9],
      // An exponent suffix (e or E followed by digits), not the exa suffix.
      ["1e3", 1000],
      ["1E3", 1000],
      ["5e-3", 0.005],
      ["1E", 1e18],
      // UnmarshalJSON: ParseQuantity(strings.TrimSpace(...)).
      [" 2Gi ", 2 * 2 ** 30],
      // A JSON number is a quantity too.
      [2, 2],
      [0.25, 0.25],
      [Number.NaN, undefined],
      [Number.POSITIVE_INFINITY, undefined],
      ["", undefined],
      ["abc", undefined],
      ["1.2.3", undefined],
      ["1Kb", undefined],
      ["1 Gi", undefined],
      [null, undefined],
      [undefined, undefined],
      [true, undefined],
    ];
    for (const [input, expected] of cases) {
      it(`${JSON.stringify(input) ?? String(input)} -> ${expected}`, () => {
        const got = parseQuantity(input);
        if (expected === undefined) assert.strictEqual(got, undefined);
        else assert.ok(got !== undefined && Math.abs(got - expected) <= Math.abs(expected) * 1e-12, String(got));
      });
    }
  });

  describe("amountOf: cpu as MilliValue (its requests./limits. quota names too), everything else as Value, both rounded up", () => {
    const cases: Array<[string, unknown, number | undefined]> = [
      ["cpu", "1", 1000],
      ["cpu", "0.1", 100],
      ["cpu", "1.5", 1500],
      ["cpu", "250m", 250],
      // MilliValue rounds up: 1n of a core is 1m.
      ["cpu", "1n", 1],
      ["requests.cpu", "2", 2000],
      ["limits.cpu", "2", 2000],
      ["memory", "1Gi", 2 ** 30],
      // Value rounds up: half a byte is a byte; 1500m devices are 2.
      ["memory", "0.5", 1],
      ["memory", "1n", 1],
      ["memory", "100m", 1],
      ["cpu", "1.1", 1100],
      ["cpu", "0.3", 300],
      ["memory", "1.5Gi", 1.5 * 2 ** 30],
      ["memory", "1Pi", 2 ** 50],
      ["cpu", "100u", 1],
      ["nvidia.com/gpu", "1500m", 2],
      ["limits.memory", "1", 1],
      ["cpu", "one", undefined],
      ["memory", undefined, undefined],
    ];
    for (const [name, value, expected] of cases) {
      it(`${name}=${String(value)} -> ${expected}`, () => assert.strictEqual(amountOf(name, value), expected));
    }
  });

  describe("formatAmount: the canonical quantity String() gives", () => {
    const cases: Array<[string, number, string]> = [
      ["cpu", 1500, "1500m"],
      ["cpu", 2000, "2"],
      ["limits.cpu", 3000, "3"],
      ["memory", 40 * 2 ** 30, "40Gi"],
      ["memory", 256 * 2 ** 20, "256Mi"],
      ["memory", 2 * 2 ** 40, "2Ti"],
      ["memory", 2048, "2Ki"],
      ["memory", 1024, "1Ki"],
      ["memory", 1000, "1000"],
      ["memory", 1536, "1536"],
      ["requests.storage", 10 * 2 ** 30, "10Gi"],
      ["hugepages-2Mi", 4 * 2 ** 20, "4Mi"],
      // Devices and Pods are DecimalSI: 1024 GPUs are 1024, not 1Ki.
      ["nvidia.com/gpu", 1024, "1024"],
      ["nvidia.com/gpu", 2048, "2048"],
      ["pods", 2 ** 20, "1048576"],
    ];
    for (const [name, amount, expected] of cases) {
      it(`${name} ${amount} -> ${expected}`, () => assert.strictEqual(formatAmount(name, amount), expected));
    }

    it("writes byte amounts that are no whole Mi or Gi as a quantity that parses back to about that many bytes", () => {
      for (const amount of [1.5 * 2 ** 30 + 1, 47060071478, 1.5 * 2 ** 20 + 3, 3 * 2 ** 20 + 7]) {
        const shown = formatAmount("memory", amount);
        const back = parseQuantity(shown);
        assert.ok(back !== undefined && Math.abs(back - amount) / amount < 0.01, `${amount} -> ${shown}`);
        assert.match(shown, amount >= 2 ** 30 ? /Gi$/ : /Mi$/);
      }
    });
  });

  describe("amountsOf: a resource list as amounts", () => {
    it("leaves out entries that do not parse, and reads null, a string or nothing as no resources", () => {
      assert.deepStrictEqual(amountsOf({ cpu: "500m", memory: "1Gi", "nvidia.com/gpu": "one" }), {
        cpu: 500,
        memory: 2 ** 30,
      });
      assert.deepStrictEqual(amountsOf(null), {});
      assert.deepStrictEqual(amountsOf(undefined), {});
      assert.deepStrictEqual(amountsOf("5"), {});
    });

    it("adds amounts times a count", () => {
      assert.deepStrictEqual(addAmounts({ cpu: 100 }, { cpu: 250, memory: 10 }, 3), { cpu: 850, memory: 30 });
    });
  });

  describe("describeAmounts: cpu, memory, ephemeral-storage first (as kubectl describe node lists them), Pods last", () => {
    it("orders the named resources, skips those without an amount and writes each as a quantity", () => {
      assert.strictEqual(
        describeAmounts({ pods: 1, "amd.com/gpu": 1, memory: 2 ** 30, cpu: 500, "ephemeral-storage": 2 ** 30 }),
        "cpu=500m, memory=1Gi, ephemeral-storage=1Gi, amd.com/gpu=1, pods=1",
      );
      assert.strictEqual(describeAmounts({ cpu: 1000 }, ["memory", "cpu"]), "cpu=1");
    });

    it("ranks quota names by their resource: requests.cpu before requests.memory, count/pods last", () => {
      assert.strictEqual(
        describeAmounts({ "count/pods": 2, "requests.memory": 2 ** 20, "requests.cpu": 1000, "example.com/x": 1 }),
        "requests.cpu=1, requests.memory=1Mi, example.com/x=1, count/pods=2",
      );
      assert.strictEqual(
        describeAmounts({ pods: 3, "zz.example.com/x": 1, "limits.cpu": 500 }),
        "limits.cpu=500m, zz.example.com/x=1, pods=3",
      );
    });
  });
});
