import * as assert from "node:assert";
import {
  disruptionsAllowed,
  needsDisruptionBudget,
  scaledValue,
  sizeDisruptionBudget,
} from "../../components/catalog/disruption";

describe("disruption budget arithmetic (kubernetes pkg/controller/disruption)", () => {
  it("scales percentages on the expected Pods rounding up, for both fields", () => {
    // intstr.GetScaledValueFromIntOrPercent(…, roundUp=true): 25% of 3 is 0.75, rounded up to 1.
    assert.strictEqual(scaledValue("25%", 3), 1);
    assert.strictEqual(scaledValue("50%", 3), 2);
    assert.strictEqual(scaledValue(2, 10), 2);
    assert.throws(() => scaledValue("half", 4), /neither a whole number nor a percentage/);
  });

  it("allows no eviction when minAvailable equals the replicas: a one-replica budget with minAvailable 1 blocks drains", () => {
    assert.strictEqual(disruptionsAllowed({ minAvailable: 1 }, 1), 0);
    assert.strictEqual(disruptionsAllowed({ minAvailable: 1 }, 2), 1);
    assert.strictEqual(disruptionsAllowed({ minAvailable: "100%" }, 5), 0);
    assert.strictEqual(disruptionsAllowed({ maxUnavailable: 0 }, 5), 0);
    assert.strictEqual(disruptionsAllowed({ maxUnavailable: 1 }, 1), 1);
    assert.strictEqual(disruptionsAllowed({ maxUnavailable: "10%" }, 4), 1);
  });

  it("sizes the blueprint's budgets with maxUnavailable, at least 1, a quarter of the minimum", () => {
    assert.deepStrictEqual(sizeDisruptionBudget(1, 8), { maxUnavailable: 1 });
    assert.deepStrictEqual(sizeDisruptionBudget(3, 3), { maxUnavailable: 1 });
    assert.deepStrictEqual(sizeDisruptionBudget(8, 16), { maxUnavailable: 2 });
    for (const min of [1, 2, 3, 5, 12]) assert.ok(disruptionsAllowed(sizeDisruptionBudget(min), min) >= 1, `${min}`);
  });

  it("gives a budget only to workloads that can run more than one Pod", () => {
    assert.strictEqual(needsDisruptionBudget(1, 1), false);
    assert.strictEqual(needsDisruptionBudget(1, 3), true);
    assert.strictEqual(needsDisruptionBudget(2, 2), true);
  });
});
