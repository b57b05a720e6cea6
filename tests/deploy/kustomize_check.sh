#!/usr/bin/env bash
# Renders every Kubernetes overlay with `kubectl kustomize` (offline: no
# cluster is contacted), checks that each one yields the objects the rollout
# needs, then hands the render to check_render.py (beside this script) for
# the rules deploy/README.md promises: service accounts, probes, policies,
# generated configuration, load spread, the connection budget...
# Usage: kustomize_check.sh <deploy/k8s folder>
# Exit 0: all render and pass; 1: an overlay failed; 77: kubectl, or Python's
# yaml module (Debian: python3-yaml), is not installed (ctest reports the
# test as skipped).
set -euo pipefail

k8s_dir="${1:?usage: kustomize_check.sh <deploy/k8s folder>}"

if ! command -v kubectl >/dev/null 2>&1; then
  echo "SKIP: kubectl is not installed; the manifests were not rendered"
  exit 77
fi

readonly python=/usr/bin/python3.11  # Debian's, which sees python3-yaml
checker="$(dirname "${BASH_SOURCE[0]}")/check_render.py"
if ! "$python" -c 'import yaml' 2>/dev/null; then
  echo "SKIP: $python with the yaml module (python3-yaml) is not installed"
  exit 77
fi

# The services; each has the same set of objects.
readonly services=(account interaction scoring)

# What every overlay must contain (kind/name, as `kubectl kustomize` prints).
expected=()
for service in "${services[@]}"; do
  expected+=(
    "ServiceAccount/kam-$service"
    "Service/kam-$service"
    "Service/kam-$service-headless"
    "NetworkPolicy/kam-$service"
    "Deployment/kam-$service"
    "PodDisruptionBudget/kam-$service"
    "HorizontalPodAutoscaler/kam-$service"
    "Job/kam-$service-migrate"
  )
done

expected+=("NetworkPolicy/kam-default-deny")

# The in-cluster addresses the dependent services are configured with: their
# headless Services, balanced round_robin (check_render.py checks that the
# Services exist with these ports).
readonly upstreams=(
  "KAM_INTERACTION_ACCOUNT_SERVICE: dns:///kam-account-headless:50051"
  "KAM_SCORING_ACCOUNT_SERVICE: dns:///kam-account-headless:50051"
  "KAM_SCORING_INTERACTION_SERVICE: dns:///kam-interaction-headless:50052"
)

failed=0
checked=0
for dir in "$k8s_dir"/base "$k8s_dir"/overlays/*/; do
  dir="${dir%/}"
  [[ -f "$dir/kustomization.yaml" ]] || continue
  checked=$((checked + 1))
  dir_failed=0
  if ! rendered="$(kubectl kustomize "$dir" 2>&1)"; then
    echo "FAIL: kubectl kustomize $dir"
    echo "$rendered"
    failed=1
    continue
  fi
  # "kind: X" at the start of a document, then its metadata.name.
  objects="$(awk '
    /^---/ { kind = ""; inmeta = 0; next }
    /^kind: / { kind = $2 }
    /^metadata:/ { inmeta = 1; next }
    inmeta && /^  name: / { if (kind != "") print kind "/" $2; inmeta = 0 }
    /^[a-z]/ && !/^metadata:/ { inmeta = 0 }
  ' <<<"$rendered")"
  for object in "${expected[@]}"; do
    if ! grep -qxF "$object" <<<"$objects"; then
      echo "FAIL: $dir renders no $object"
      dir_failed=1
    fi
  done
  for upstream in "${upstreams[@]}"; do
    if ! grep -qF "$upstream" <<<"$rendered"; then
      echo "FAIL: $dir does not configure $upstream"
      dir_failed=1
    fi
  done
  # Every server and migration Job probes or runs its own binary: the gRPC
  # health probes on its own port, the image's binary by name.
  for service in interaction scoring; do
    if ! grep -qF "command: [\"/usr/local/bin/kam-$service\"]" <<<"$rendered" &&
       ! grep -qF -- "- /usr/local/bin/kam-$service" <<<"$rendered"; then
      echo "FAIL: $dir never runs /usr/local/bin/kam-$service"
      dir_failed=1
    fi
  done
  # The rules on the objects themselves (images pinned in the overlays among
  # them).
  if ! "$python" "$checker" "$(basename "$dir")" <<<"$rendered"; then
    dir_failed=1
  fi
  if ((dir_failed)); then
    failed=1
  else
    echo "ok: $dir ($(wc -l <<<"$objects") objects)"
  fi
done

if ((checked == 0)); then
  echo "FAIL: no kustomization.yaml found under $k8s_dir"
  exit 1
fi
exit "$failed"
