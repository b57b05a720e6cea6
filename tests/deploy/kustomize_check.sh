#!/usr/bin/env bash
# Renders every Kubernetes overlay with `kubectl kustomize` (offline: no
# cluster is contacted) and checks that each one yields the objects the
# rollout needs. Usage: kustomize_check.sh <deploy/k8s folder>
# Exit 0: all render; 1: an overlay failed; 77: kubectl is not installed
# (ctest reports the test as skipped).
set -euo pipefail

k8s_dir="${1:?usage: kustomize_check.sh <deploy/k8s folder>}"

if ! command -v kubectl >/dev/null 2>&1; then
  echo "SKIP: kubectl is not installed; the manifests were not rendered"
  exit 77
fi

# The services; each has the same set of objects.
readonly services=(account interaction scoring)

# What every overlay must contain (kind/name, as `kubectl kustomize` prints).
expected=()
for service in "${services[@]}"; do
  expected+=(
    "ConfigMap/kam-$service"
    "Service/kam-$service"
    "Deployment/kam-$service"
    "PodDisruptionBudget/kam-$service"
    "HorizontalPodAutoscaler/kam-$service"
    "Job/kam-$service-migrate"
  )
done

# The in-cluster addresses the dependent services are configured with must be
# Services this kustomization renders (and their ports).
readonly upstreams=(
  "KAM_INTERACTION_ACCOUNT_SERVICE: kam-account:50051"
  "KAM_SCORING_ACCOUNT_SERVICE: kam-account:50051"
  "KAM_SCORING_INTERACTION_SERVICE: kam-interaction:50052"
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
  # The overlays must pin an image tag of their own.
  if [[ "$dir" == */overlays/* ]] && grep -qE 'image: kam/[a-z]+:latest$' <<<"$rendered"; then
    echo "FAIL: $dir still uses a placeholder image kam/<service>:latest"
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
