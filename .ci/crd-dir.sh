# Sourced by .ci/run (and by hand: `source .ci/crd-dir.sh`): where this checkout sits beside the
# project's shared/ folder, the conformance tests take the pinned CRDs from
# ../shared/fixtures/crds (CNAI_CRD_DIR) instead of downloading them into .cache/crds. A
# CNAI_CRD_DIR already set is kept; a checkout on its own (a fork, GitHub's runners) downloads.
if [ -z "${CNAI_CRD_DIR:-}" ] && [ -d ../shared/fixtures/crds ]; then
  CNAI_CRD_DIR="$(cd ../shared/fixtures/crds && pwd)"
  export CNAI_CRD_DIR
  echo "ci: CRDs from ${CNAI_CRD_DIR} (CNAI_CRD_DIR)"
fi
