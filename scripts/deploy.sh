#!/usr/bin/env bash
# Deploys the Sage 300 connector package to a Salesforce org with the Salesforce CLI (sf), assigns its permission sets
# and says how to finish the set-up. The middleware URL is written into the Named Credential at deploy time by the
# "replacements" of sfdx-project.json, from SAGE_MIDDLEWARE_URL. The CLI is a dev dependency of this project, so
# `npm install` then `npm run deploy -- -o <org>` works on a machine with only Node.js.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/deploy.sh --target-org <alias|username> [options]

Deploys force-app/ with `sf project deploy start`, then assigns the permission sets. Through npm:
  npm run deploy -- -o <org> [options]

Required:
  -o, --target-org <org>        The org alias or username known to the sf CLI.
  SAGE_MIDDLEWARE_URL           Environment variable (or --url): the middleware's base URL, https://host[:port][/path],
                                without a trailing /api/v1. Salesforce calls {URL}/api/v1/... and {URL}/healthz.

Options:
  -u, --url <url>               The middleware URL (instead of SAGE_MIDDLEWARE_URL).
      --users <u1,u2>           Users (usernames) who get Sage_Connector_User (sales reps).
      --finance <u1,u2>         Users who get Sage_Connector_User and Sage_Connector_Finance (revenue reconciliation).
      --admins <u1,u2>          Users who get Sage_Connector_User and Sage_Connector_Admin (the contents of the
                                permission set group Sage_Connector_Admins). The deploying user always gets them.
      --integration-user <u>    The middleware's integration user; gets Sage_Connector_Integration.
      --test-level <level>      Passed to sf: NoTestRun, RunLocalTests (production needs it) or RunAllTestsInOrg.
      --dry-run                 Print the commands without running them (the sf CLI is not needed).
  SF_CLI                        Environment variable: the sf executable to use. Default: this project's
                                node_modules/.bin/sf (npm install), else sf on the PATH.
  -h, --help                    Show this help.

Example:
  SAGE_MIDDLEWARE_URL=https://sage-connector.example.com scripts/deploy.sh -o my-sandbox --users rep1@example.com
EOF
}

fail() {
  echo "deploy: $1" >&2
  exit 2
}

# Returns the URL without a trailing slash, or fails with the reason it cannot be used.
validate_url() {
  local url="$1"
  [[ -n "$url" ]] || fail "SAGE_MIDDLEWARE_URL is not set. Set it (or pass --url) to the middleware's https:// base URL."
  [[ "$url" =~ ^https:// ]] || fail "SAGE_MIDDLEWARE_URL must start with https:// (Salesforce sends the API key with every call): $url"
  [[ ! "$url" =~ [[:space:]] ]] || fail "SAGE_MIDDLEWARE_URL must not contain spaces: $url"
  [[ ! "$url" =~ [?#] ]] || fail "SAGE_MIDDLEWARE_URL must not contain a query or fragment: $url"
  [[ ! "$url" =~ ^https://[^/]*@ ]] || fail "SAGE_MIDDLEWARE_URL must not contain credentials; the API key goes into the External Credential: $url"
  [[ "$url" =~ ^https://[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/.*)?$ ]] ||
    fail "SAGE_MIDDLEWARE_URL is not a valid https URL: $url"
  url="${url%/}"
  [[ ! "$url" =~ /api/v1$ ]] || fail "SAGE_MIDDLEWARE_URL is the base URL, without /api/v1: $url"
  [[ "$url" != "https://middleware.invalid" ]] || fail "SAGE_MIDDLEWARE_URL is still the placeholder https://middleware.invalid"
  printf '%s' "$url"
}

# Fails unless the value is a comma-separated list of usernames (no spaces or shell characters).
validate_users() {
  local option="$1" list="$2"
  [[ "$list" =~ ^[A-Za-z0-9._%+@-]+(,[A-Za-z0-9._%+@-]+)*$ ]] || fail "$option expects usernames separated by commas: $list"
}

target_org=""
url="${SAGE_MIDDLEWARE_URL:-}"
users=""
finance=""
admins=""
integration_user=""
test_level=""
dry_run=false

# Prints the value that follows an option, or fails when it is missing.
option_value() {
  [[ $# -ge 2 && -n "$2" && "$2" != -* ]] || fail "$1 needs a value (see --help)"
  printf '%s' "$2"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    -o | --target-org) target_org="$(option_value "$@")" ;;
    -u | --url) url="$(option_value "$@")" ;;
    --users) users="$(option_value "$@")" ;;
    --finance) finance="$(option_value "$@")" ;;
    --admins) admins="$(option_value "$@")" ;;
    --integration-user) integration_user="$(option_value "$@")" ;;
    --test-level) test_level="$(option_value "$@")" ;;
    --dry-run)
      dry_run=true
      shift
      continue
      ;;
    *) fail "unknown option $1 (see --help)" ;;
  esac
  shift 2
done

[[ -n "$target_org" ]] || fail "--target-org is required (see --help)"
[[ "$target_org" =~ ^[A-Za-z0-9._%+@-]+$ ]] || fail "--target-org must be an alias or a username: $target_org"
url="$(validate_url "$url")"
[[ -z "$users" ]] || validate_users --users "$users"
[[ -z "$finance" ]] || validate_users --finance "$finance"
[[ -z "$admins" ]] || validate_users --admins "$admins"
[[ -z "$integration_user" ]] || validate_users --integration-user "$integration_user"
case "$test_level" in
  "" | NoTestRun | RunLocalTests | RunAllTestsInOrg) ;;
  *) fail "--test-level must be NoTestRun, RunLocalTests or RunAllTestsInOrg: $test_level" ;;
esac

project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The Salesforce CLI: SF_CLI, else the project's own (a dev dependency), else sf on the PATH.
sf_cli="${SF_CLI:-}"
if [[ -z "$sf_cli" ]]; then
  if [[ -x "$project_dir/node_modules/.bin/sf" ]]; then
    sf_cli="$project_dir/node_modules/.bin/sf"
  else
    sf_cli="$(command -v sf || true)"
  fi
fi

# Runs an sf command, or prints it (shell-quoted, as `sf ...`) on a dry run.
run_sf() {
  if $dry_run; then
    printf '%q ' sf "$@" | sed 's/ $//'
    echo
  else
    "$sf_cli" "$@"
  fi
}

if ! $dry_run && [[ -z "$sf_cli" || ! -x "$sf_cli" ]]; then
  fail "the Salesforce CLI (sf) was not found${SF_CLI:+ at $SF_CLI}: run npm install in $project_dir (it is a dev dependency), or npm install --global @salesforce/cli (or use --dry-run to see the commands)"
fi

cd "$project_dir"

deploy=(project deploy start --source-dir force-app --target-org "$target_org" --wait 30)
[[ -z "$test_level" ]] || deploy+=(--test-level "$test_level")
if $dry_run; then
  printf '%q ' env "SAGE_MIDDLEWARE_URL=$url" sf "${deploy[@]}" | sed 's/ $//'
  echo
else
  SAGE_MIDDLEWARE_URL="$url" "$sf_cli" "${deploy[@]}"
fi

run_sf org assign permset --name Sage_Connector_User --name Sage_Connector_Admin --target-org "$target_org"

# Assigns the permission sets named after the list to each user of a comma-separated list.
assign_each() {
  local list="$1" user permission_set
  shift
  local names=()
  for permission_set in "$@"; do names+=(--name "$permission_set"); done
  IFS=',' read -r -a list_items <<<"$list"
  for user in "${list_items[@]}"; do
    run_sf org assign permset "${names[@]}" --on-behalf-of "$user" --target-org "$target_org"
  done
}
[[ -z "$admins" ]] || assign_each "$admins" Sage_Connector_User Sage_Connector_Admin
[[ -z "$users" ]] || assign_each "$users" Sage_Connector_User
[[ -z "$finance" ]] || assign_each "$finance" Sage_Connector_User Sage_Connector_Finance
[[ -z "$integration_user" ]] || assign_each "$integration_user" Sage_Connector_Integration

cat <<EOF

Next: give Salesforce the middleware's API key (it is never stored in source).
  1. Setup > Security > Named Credentials > External Credentials > Sage 300 Middleware.
  2. Under Principals, edit MiddlewareKey and add the authentication parameter
     Name: ApiKey   Value: one of the keys in the middleware's MIDDLEWARE_API_KEYS.
  3. Open the Sage 300 app > Sage Sync Console and press "Test connection": it calls $url/healthz
     through the Named Credential Sage300_Middleware.
See docs/admin-guide.md for the install, upgrade, settings, field mappings and troubleshooting.
EOF
