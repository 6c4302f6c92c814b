#!/usr/bin/env bash
# Prints the stacks a deploy applies: all of them, or only the -k8s stacks
# when the deploy brings nothing but an image tag.
#   tools/ci/steps/scope.sh all|kubernetes <stack>...
set -euo pipefail
scope=${1:?usage: $0 all|kubernetes <stack>...}
shift
for stack in "$@"; do
  case $scope in
    all) echo "$stack" ;;
    kubernetes) [[ $stack != *-k8s ]] || echo "$stack" ;;
    *) echo "unknown scope $scope" >&2; exit 64 ;;
  esac
done
