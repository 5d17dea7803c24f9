import * as assert from "node:assert";
import { databaseResilience } from "../../../policies/governance/policies/database-resilience";
import { messagesOf } from "../../helpers/policy";

const SQL = "gcp:sql/databaseInstance:DatabaseInstance";
const instance = (settings: Record<string, unknown>, backup: Record<string, unknown> = {}) => ({
  type: SQL,
  inputs: {
    region: "us-central1",
    settings: {
      availabilityType: "REGIONAL",
      ...settings,
      backupConfiguration: {
        enabled: true,
        pointInTimeRecoveryEnabled: true,
        backupRetentionSettings: { retainedBackups: 14 },
        location: "us-east1",
        ...backup,
      },
    },
  },
});

describe("policy cnai-database-resilience", () => {
  it("passes a regional instance with point-in-time recovery and backups in another region", async () => {
    assert.deepStrictEqual(await messagesOf(databaseResilience, [instance({})]), []);
    assert.deepStrictEqual(await messagesOf(databaseResilience, [instance({}, { location: "us" })]), []);
  });

  it("reports a zonal instance, no point-in-time recovery, too few backups, and backups in the instance's region", async () => {
    const messages = await messagesOf(databaseResilience, [
      instance(
        { availabilityType: "ZONAL" },
        { pointInTimeRecoveryEnabled: false, backupRetentionSettings: { retainedBackups: 3 }, location: "us-central1" },
      ),
    ]);
    assert.strictEqual(messages.length, 4);
    assert.match(messages[0], /availabilityType is ZONAL: a zone outage takes the database down/);
    assert.match(messages[1], /point-in-time recovery is off/);
    assert.match(messages[2], /3 automated backups kept, fewer than 7/);
    assert.match(messages[3], /in the instance's own region us-central1/);
  });

  it("reports backups without a location (Cloud SQL picks one, possibly the instance's region)", async () => {
    const [message] = await messagesOf(databaseResilience, [instance({}, { location: undefined })]);
    assert.match(message, /where Cloud SQL chooses/);
  });

  // Cloud SQL: availabilityType defaults to ZONAL; automated backups keep 7 by default
  // (backupRetentionSettings.retainedBackups), and the configured floor is inclusive.
  it("reads Cloud SQL's defaults: ZONAL when unset, 7 retained backups, and reports backups switched off", async () => {
    const bare = {
      type: SQL,
      inputs: {
        region: "us-central1",
        settings: { backupConfiguration: { pointInTimeRecoveryEnabled: true, location: "us" } },
      },
    };
    assert.deepStrictEqual(await messagesOf(databaseResilience, [bare]), [
      "settings.availabilityType is unset (ZONAL): a zone outage takes the database down. Set REGIONAL (modelRegistry.database.highAvailability: true).",
      "settings.backupConfiguration.enabled is not true: no automated backups. Enable them.",
    ]);
    assert.deepStrictEqual(
      await messagesOf(databaseResilience, [instance({}, { backupRetentionSettings: { retainedBackups: 7 } })]),
      [],
    );
  });
});
