import * as assert from "node:assert";
import {
  attachedTo,
  type Backend,
  backendsOf,
  objectName,
  policiesFor,
} from "../../../policies/governance/lib/gateway";

/**
 * The Gateway API references the gateway policies resolve, against gateway.networking.k8s.io/v1 HTTPRoute
 * (CRD defaults: BackendRef group "" and kind Service, namespace the route's; ParentReference kind Gateway,
 * namespace the route's) and networking.gke.io/v1 GCPBackendPolicy (targetRef group, kind, name; the policy
 * applies in its own namespace).
 */
const route = (spec: Record<string, unknown>, namespace?: string) => ({
  metadata: { name: "chat", ...(namespace ? { namespace } : {}) },
  spec,
});

describe("governance gateway references", () => {
  describe("backendsOf", () => {
    it("defaults a backendRef's namespace to the route's, group to the core group and kind to Service", () => {
      const r = route(
        {
          rules: [
            { backendRefs: [{ name: "predictor", port: 80 }] },
            // A rule may have no backendRefs (a redirect); it sends nowhere.
            { filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https" } }] },
            {
              backendRefs: [
                { group: "inference.networking.k8s.io", kind: "InferencePool", name: "pool", namespace: "models" },
              ],
            },
          ],
        },
        "team-nlp",
      );
      assert.deepStrictEqual(backendsOf(r), [
        { namespace: "team-nlp", group: "", kind: "Service", name: "predictor" },
        { namespace: "models", group: "inference.networking.k8s.io", kind: "InferencePool", name: "pool" },
      ]);
    });

    it("puts a route without a namespace in default, and reads no backends from a route without rules", () => {
      assert.deepStrictEqual(backendsOf(route({ rules: [{ backendRefs: [{ name: "web" }] }] })), [
        { namespace: "default", group: "", kind: "Service", name: "web" },
      ]);
      assert.deepStrictEqual(backendsOf(route({ parentRefs: [{ name: "gw" }] })), []);
    });
  });

  describe("policiesFor", () => {
    const backend: Backend = {
      namespace: "team-nlp",
      group: "inference.networking.k8s.io",
      kind: "InferencePool",
      name: "chat",
    };
    const policy = (targetRef: Record<string, unknown> | undefined, namespace = "team-nlp") => ({
      metadata: { name: "p", namespace },
      spec: { ...(targetRef ? { targetRef } : {}), default: { iap: { enabled: true } } },
    });
    const cases: [string, ReturnType<typeof policy>, boolean][] = [
      [
        "the same namespace, group, kind and name",
        policy({ group: backend.group, kind: backend.kind, name: "chat" }),
        true,
      ],
      ["another namespace", policy({ group: backend.group, kind: backend.kind, name: "chat" }, "team-other"), false],
      ["another group", policy({ group: "", kind: backend.kind, name: "chat" }), false],
      ["another kind", policy({ group: backend.group, kind: "Service", name: "chat" }), false],
      ["another name", policy({ group: backend.group, kind: backend.kind, name: "chat-8b" }), false],
      ["no targetRef", policy(undefined), false],
    ];
    for (const [what, p, matches] of cases)
      it(`${matches ? "matches" : "does not match"} a policy with ${what}`, () => {
        const objects = [{ urn: "u", type: "kubernetes:networking.gke.io/v1:GCPBackendPolicy", props: p }];
        assert.deepStrictEqual(policiesFor(backend, objects), matches ? [p] : []);
      });

    it('matches a Service backend by the core group, written "" or left out', () => {
      const service: Backend = { namespace: "default", group: "", kind: "Service", name: "web" };
      const written = { metadata: {}, spec: { targetRef: { group: "", kind: "Service", name: "web" } } };
      const omitted = { metadata: {}, spec: { targetRef: { kind: "Service", name: "web" } } };
      const objects = [written, omitted].map((props) => ({ urn: "u", type: "t", props }));
      assert.deepStrictEqual(policiesFor(service, objects), [written, omitted]);
    });
  });

  describe("attachedTo", () => {
    const gateway = { metadata: { name: "models", namespace: "gw" }, spec: { gatewayClassName: "gke-l7-rilb" } };
    const cases: [string, Record<string, unknown>[], string | undefined, boolean][] = [
      ["a parentRef naming the Gateway and its namespace", [{ name: "models", namespace: "gw" }], "team-nlp", true],
      ["a parentRef of kind Gateway", [{ kind: "Gateway", name: "models", namespace: "gw" }], "team-nlp", true],
      ["a parentRef without namespace, from the Gateway's namespace", [{ name: "models" }], "gw", true],
      ["a parentRef without namespace, from another namespace", [{ name: "models" }], "team-nlp", false],
      ["a parentRef to another Gateway", [{ name: "internal", namespace: "gw" }], "team-nlp", false],
      [
        "a parentRef to a Gateway of that name elsewhere",
        [{ name: "models", namespace: "team-nlp" }],
        "team-nlp",
        false,
      ],
      // GAMMA: a route attached to a Service (kind Service) is mesh routing, not the Gateway's.
      ["a parentRef to a Service of that name", [{ kind: "Service", name: "models", namespace: "gw" }], "gw", false],
      [
        "one of several parentRefs",
        [
          { name: "internal", namespace: "gw" },
          { name: "models", namespace: "gw" },
        ],
        "team-nlp",
        true,
      ],
      ["no parentRefs", [], "gw", false],
    ];
    for (const [what, parentRefs, namespace, attached] of cases)
      it(`${attached ? "attaches" : "does not attach"} a route with ${what}`, () => {
        assert.strictEqual(attachedTo(route({ parentRefs }, namespace), gateway), attached);
      });

    it("puts a Gateway without a namespace in default", () => {
      const gw = { metadata: { name: "models" }, spec: {} };
      assert.strictEqual(attachedTo(route({ parentRefs: [{ name: "models" }] }), gw), true);
      assert.strictEqual(attachedTo(route({ parentRefs: [{ name: "models" }] }, "team-nlp"), gw), false);
      assert.strictEqual(attachedTo(route({}), gw), false);
    });
  });

  it("names an object namespace/name, default when it has no namespace", () => {
    assert.strictEqual(objectName({ metadata: { name: "chat", namespace: "team-nlp" } }), "team-nlp/chat");
    assert.strictEqual(objectName({ metadata: { name: "chat" } }), "default/chat");
  });
});
