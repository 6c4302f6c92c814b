#!/usr/bin/env bash
# Plans or applies one synthesized stack the way CI does, from cdktf.out.
#
#   tools/ci/steps/stack.sh plan  <stack> [--no-refresh] [--no-lock]   plan into .plans/<stack>/
#   tools/ci/steps/stack.sh apply <stack>                              apply .plans/<stack>/tfplan, exactly
#
# --no-lock is for the plan role's plans (pull requests, drift, production's
# plan for its approver): that role may read state, never write it, so it can
# neither take a lock nor break one that an apply holds.
#
# plan writes tfplan (binary, holds sensitive values: never uploaded),
# plan.json (terraform show -json, for the summary tool, never uploaded) and
# plan.txt (terraform show, sensitive values redacted: safe to upload).
# It exits 0 when the plan has no changes, 2 when it has changes (Terraform's
# -detailed-exitcode), 1 on error, and 3 when it plans nothing: a -k8s stack
# that has never been applied, in a run that names no image tag, waits for its
# first deploy with one (docs/FIRST-DEPLOY.md), so an environment's first
# deploy builds its infrastructure while ops put its third-party secrets.
#
# A -k8s stack's API endpoint is private: the script opens `npm run tunnel` to
# it first, and tears it down on exit. Its image tag is IMAGE_TAG when set (a
# deploy), else the tag the stack last applied (its `release_image_tag` output), so a
# change to the infrastructure never changes what is serving.
set -euo pipefail

usage() { echo "usage: $0 plan <stack> [--no-refresh] [--no-lock] | apply <stack>" >&2; exit 64; }
[[ $# -ge 2 ]] || usage
command=$1 stack=$2
shift 2
refresh=true
lock=true
for arg in "$@"; do
  case $arg in
    --no-refresh) refresh=false ;;
    --no-lock) lock=false ;;
    *) usage ;;
  esac
done
[[ $command == plan || $command == apply ]] || usage
[[ $stack =~ ^hexabid-[a-z0-9-]+$ ]] || { echo "not a HexaBid stack name: $stack" >&2; exit 64; }

root=$(cd "$(dirname "$0")/../../.." && pwd)
dir="$root/cdktf.out/stacks/$stack"
out="$root/.plans/$stack"
tunnel_port=8443
[[ -f $dir/cdk.tf.json ]] || { echo "$dir/cdk.tf.json is missing: run npm run synth first" >&2; exit 1; }
mkdir -p "$out"
tf() { terraform -chdir="$dir" "$@"; }

tunnel_pid=
close_tunnel() { [[ -z $tunnel_pid ]] || kill "$tunnel_pid" 2>/dev/null || true; }
trap close_tunnel EXIT

open_tunnel() {
  local environment=$1
  npm run --silent tunnel -- "$environment" --port "$tunnel_port" >"$out/tunnel.log" 2>&1 &
  tunnel_pid=$!
  for _ in $(seq 1 60); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$tunnel_port") 2>/dev/null; then
      export TF_VAR_cluster_api_tunnel_port=$tunnel_port
      return 0
    fi
    kill -0 "$tunnel_pid" 2>/dev/null || break
    sleep 2
  done
  echo "::error::could not open the tunnel to $environment's cluster API; its log follows" >&2
  cat "$out/tunnel.log" >&2
  exit 1
}

tf init -input=false -no-color >"$out/init.log" || { cat "$out/init.log" >&2; exit 1; }

if [[ $stack == *-k8s ]]; then
  environment=${stack#hexabid-}
  environment=${environment%-k8s}
  if [[ -z ${IMAGE_TAG:-} ]]; then
    # Outputs come from state: no tunnel needed. Before the first apply there is none.
    IMAGE_TAG=$(tf output -raw release_image_tag 2>/dev/null || true)
    if [[ -z $IMAGE_TAG ]]; then
      echo "$stack has never been applied and no image tag was given: it waits for its first deploy with one (docs/FIRST-DEPLOY.md)."
      exit 3
    fi
  fi
  open_tunnel "$environment"
  export TF_VAR_image_tag=$IMAGE_TAG
fi

case $command in
  plan)
    tf validate -no-color
    set +e
    tf plan -input=false -no-color -lock="$lock" -lock-timeout=10m -refresh="$refresh" -detailed-exitcode -out="$out/tfplan" | tee "$out/plan.log"
    status=${PIPESTATUS[0]}
    set -e
    [[ $status -ne 1 ]] || exit 1
    tf show -json "$out/tfplan" >"$out/plan.json"
    tf show -no-color "$out/tfplan" >"$out/plan.txt"
    exit "$status"
    ;;
  apply)
    [[ -f $out/tfplan ]] || { echo "no saved plan at $out/tfplan: plan first" >&2; exit 1; }
    tf apply -input=false -no-color -lock-timeout=10m "$out/tfplan"
    ;;
esac
