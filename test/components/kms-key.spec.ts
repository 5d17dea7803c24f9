import * as assert from "node:assert";
import { KmsKey, type KmsKeyArgs } from "../../components/security/kms-key";
import { all, input, one, run, STACK_LABELS } from "../helpers/run";

const args = (overrides: Partial<KmsKeyArgs> = {}): KmsKeyArgs => ({
  project: "acme-test",
  location: "us-central1",
  prefix: "cnai-test",
  labels: STACK_LABELS,
  purpose: "data",
  ...overrides,
});

describe("KmsKey", () => {
  it("creates a key ring kept on destroy (key rings cannot be deleted) and a key rotated every 90 days", async () => {
    const result = await run(() => new KmsKey("k", args()));
    const ring = one(result, "gcp:kms/keyRing:KeyRing");
    assert.strictEqual(input(ring, "name"), "cnai-test-data");
    assert.strictEqual(ring.options.retainOnDelete, true);
    assert.strictEqual(ring.options.protect, false, "not protected by default");
    const key = one(result, "gcp:kms/cryptoKey:CryptoKey");
    assert.strictEqual(input(key, "rotationPeriod"), "7776000s");
    assert.strictEqual(input(key, "purpose"), "ENCRYPT_DECRYPT");
    assert.strictEqual(input(key, "keyRing"), "projects/acme-test/locations/us-central1/keyRings/cnai-test-data");
    assert.strictEqual(key.options.protect, false, "not protected by default");
    assert.strictEqual((input(key, "labels") as Record<string, string>).component, "kms-key");
    assert.strictEqual(all(result, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").length, 0, "no users by default");
  });

  it("grants encrypt/decrypt to the given members and protects the key when asked", async () => {
    const result = await run(
      () =>
        new KmsKey(
          "k",
          args({
            rotationDays: 30,
            protect: true,
            encrypterDecrypters: [
              "serviceAccount:a@x.iam.gserviceaccount.com",
              "serviceAccount:b@x.iam.gserviceaccount.com",
            ],
          }),
        ),
    );
    const key = one(result, "gcp:kms/cryptoKey:CryptoKey");
    assert.strictEqual(input(key, "rotationPeriod"), "2592000s");
    assert.strictEqual(key.options.protect, true);
    assert.strictEqual(
      one(result, "gcp:kms/keyRing:KeyRing").options.protect,
      true,
      "the ring is protected with the key",
    );
    const members = all(result, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
    assert.deepStrictEqual(
      members.map((m) => [input(m, "role"), input(m, "member")]),
      [
        ["roles/cloudkms.cryptoKeyEncrypterDecrypter", "serviceAccount:a@x.iam.gserviceaccount.com"],
        ["roles/cloudkms.cryptoKeyEncrypterDecrypter", "serviceAccount:b@x.iam.gserviceaccount.com"],
      ],
    );
  });

  it("refuses a rotation period outside 1-365 days", async () => {
    await assert.rejects(
      run(() => new KmsKey("k", args({ rotationDays: 0 }))),
      /KmsKey "k": rotationDays must be an integer from 1 to 365 \(got 0\)/,
    );
  });
});
