import * as assert from "node:assert";
import { customForceNewOf, readSchemaDefinitions, resolveField } from "../../scripts/lib/go-schema";

/** A provider file in terraform-plugin-sdk/v2 style, written for this test. */
const SOURCE = `
package widget

// A "fake": { comment with braces } that the reader must skip.
func schemaDisk() *schema.Schema {
	return &schema.Schema{
		Type:     schema.TypeList,
		ForceNew: true,
		Elem: &schema.Resource{
			Schema: map[string]*schema.Schema{
				"size_gb": {Type: schema.TypeInt, Optional: true},
				"kind": {
					Type:        schema.TypeString,
					ForceNew:    true,
					Description: \`Kind {of} disk.\`,
				},
			},
		},
	}
}

var schemaBase = map[string]*schema.Schema{
	"project": {Type: schema.TypeString, Optional: true, ForceNew: true},
}

func ResourceWidget() *schema.Resource {
	return &schema.Resource{
		CustomizeDiff: customdiff.All(customdiff.ForceNewIfChange("zone", isMoved), widgetDiff),
		Schema: tpgresource.MergeSchemas(schemaBase, map[string]*schema.Schema{
			"name": {Type: schema.TypeString, Required: true, ForceNew: true},
			"zone": {Type: schema.TypeString, Optional: true},
			"labels": {Type: schema.TypeMap, Optional: true},
			"disk": schemaDisk(),
		}),
	}
}

func widgetDiff(_ context.Context, d *schema.ResourceDiff, meta interface{}) error {
	return d.ForceNew("disk.0.size_gb")
}
`;

describe("Go schema reader (replace-on-change generator)", () => {
  const defs = new Map(readSchemaDefinitions(SOURCE).map((d) => [d.name, d]));
  const root = resolveField({ forceNew: false, children: new Map(), refs: ["ResourceWidget"] }, defs);

  it("reads ForceNew on fields, through schema functions and merged schema variables", () => {
    const forceNew = (f = root, prefix = ""): string[] =>
      [...f.children].flatMap(([k, c]) => [...(c.forceNew ? [prefix + k] : []), ...forceNew(c, `${prefix}${k}.`)]);
    assert.deepStrictEqual(forceNew().sort(), ["disk", "disk.kind", "name", "project"]);
    assert.strictEqual(root.children.get("disk")?.type, "TypeList");
    assert.ok(root.children.has("labels") && !root.children.get("labels")!.forceNew);
  });

  it("reads the CustomizeDiff ForceNew paths of the resource and the functions it names", () => {
    assert.deepStrictEqual(customForceNewOf(defs.get("ResourceWidget")!, defs).sort(), ["disk.0.size_gb", "zone"]);
  });
});
