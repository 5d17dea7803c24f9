import { DATA_STORE_TYPES, LABEL_FIELDS } from "../../../components/catalog/label-fields";
import { stackPolicy } from "../../lib/policy";
import { at, type Props } from "../../lib/resources";
import { isSet } from "../lib/values";

export interface DataClassificationConfig {
  classifications: string[];
  /** Classifications whose data must be encrypted with a customer-managed key. */
  cmekClassifications: string[];
  /** Types that must carry the label; other GCP types are checked when they carry it. */
  types: string[];
}

export const LABEL = "data-classification";
const TABLE = "gcp:bigquery/table:Table";
const DATASET = "gcp:bigquery/dataset:Dataset";

/** Where each data store names its customer-managed key (@pulumi/gcp 9.x inputs). */
export const KEY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "gcp:storage/bucket:Bucket": ["encryption.defaultKmsKeyName"],
  [DATASET]: ["defaultEncryptionConfiguration.kmsKeyName"],
  [TABLE]: ["encryptionConfiguration.kmsKeyName"],
  "gcp:pubsub/topic:Topic": ["kmsKeyName"],
  "gcp:sql/databaseInstance:DatabaseInstance": ["encryptionKeyName"],
  "gcp:artifactregistry/repository:Repository": ["kmsKeyName"],
  "gcp:secretmanager/secret:Secret": ["replication.auto.customerManagedEncryption.kmsKeyName"],
};

const GENERIC_LABEL_FIELDS = ["labels", "userLabels", "resourceLabels"];

interface Store {
  urn: string;
  type: string;
  name: string;
  props: Props;
}

/**
 * A stack policy, not a resource policy, for one reason: a BigQuery table without a key of its own
 * is encrypted with its dataset's default key (BigQuery applies `defaultEncryptionConfiguration`
 * to tables created in the dataset), and only a stack policy can see the dataset. A table counts as
 * encrypted when it names a key, or when the dataset it names (datasetId, and project when both set
 * it) is in this stack with a default key; a dataset outside the stack cannot be checked, so such a
 * table must name its key (or be exempted). Types outside KEY_FIELDS are checked for the label only.
 */
export const dataClassification = stackPolicy<DataClassificationConfig>({
  name: "cnai-data-classification",
  description:
    "Data stores carry a data-classification label (public, internal, confidential or restricted), and confidential and restricted data " +
    "is encrypted with a customer-managed Cloud KMS key: the label tells readers and access reviews how sensitive the data is, and a key the " +
    "organisation controls can be rotated, audited and revoked, which Google-managed encryption cannot.",
  config: {
    classifications: {
      type: "array",
      items: { type: "string" },
      minItems: 1,
      default: ["public", "internal", "confidential", "restricted"],
    },
    cmekClassifications: { type: "array", items: { type: "string" }, default: ["confidential", "restricted"] },
    types: { type: "array", items: { type: "string" }, default: [...DATA_STORE_TYPES] },
  },
  validate: (args, report, config) => {
    const stores: Store[] = [];
    for (const r of args.resources) {
      if (!r.type.startsWith("gcp:")) continue;
      const labels = labelsOf(r.type, r.props);
      if (!config.types.includes(r.type) && (labels === undefined || labels[LABEL] === undefined)) continue;
      stores.push({ urn: r.urn, type: r.type, name: r.name, props: r.props });
    }
    const datasets = stores.filter((s) => s.type === DATASET);
    for (const store of stores) {
      const field =
        LABEL_FIELDS[store.type] ?? GENERIC_LABEL_FIELDS.find((f) => store.props[f] !== undefined) ?? "labels";
      const value = labelsOf(store.type, store.props)?.[LABEL];
      if (value === undefined || value === "") {
        report(
          `${field} lacks ${LABEL}. Set it to one of ${config.classifications.join(", ")} (the components' classification argument sets it).`,
          store.urn,
        );
        continue;
      }
      if (!config.classifications.includes(String(value))) {
        report(
          `${field}.${LABEL} is "${String(value)}"; allowed: ${config.classifications.join(", ")}. Use one of them.`,
          store.urn,
        );
        continue;
      }
      if (!config.cmekClassifications.includes(String(value))) continue;
      const fields = KEY_FIELDS[store.type];
      if (!fields || fields.some((f) => isSet(store.props, f))) continue;
      if (store.type === TABLE) {
        const dataset = datasetOf(store, datasets);
        if (dataset && isSet(dataset.props, KEY_FIELDS[DATASET][0])) continue;
        const where = dataset
          ? `its dataset ${dataset.name} has no default key (defaultEncryptionConfiguration.kmsKeyName)`
          : `its dataset ${String(store.props.datasetId)} is not in this stack, so its default key cannot be checked`;
        report(
          `${value} table without a customer-managed key: encryptionConfiguration.kmsKeyName is not set and ${where}. Set the table's key, or the dataset's default key.`,
          store.urn,
        );
        continue;
      }
      report(
        `${value} data without a customer-managed key: set ${fields[0]} to a Cloud KMS key (the components' kmsKeyName argument), or lower the classification if the data allows it.`,
        store.urn,
      );
    }
  },
});

function labelsOf(type: string, props: Props): Record<string, unknown> | undefined {
  const field = LABEL_FIELDS[type] ?? GENERIC_LABEL_FIELDS.find((f) => props[f] !== undefined);
  const labels = field ? at(props, field) : undefined;
  return labels && typeof labels === "object" ? (labels as Record<string, unknown>) : undefined;
}

/** The dataset of a table, in this stack: same datasetId, and same project when both name one. */
function datasetOf(table: Store, datasets: Store[]): Store | undefined {
  return datasets.find((d) => {
    if (d.props.datasetId !== table.props.datasetId) return false;
    const [a, b] = [d.props.project, table.props.project];
    return a === undefined || b === undefined || a === b;
  });
}
