#!/usr/bin/env bash
# Commit what a daily run changed in content/ and state/, then push it.
#
# Only those two folders are ever staged (not the cache state/candidates);
# when nothing in them changed, no commit is made and nothing is pushed.  Called by .github/workflows/daily.yml.
#
#   commit-back.sh DAY
#
# Environment: GITHUB_TOKEN (pushes over HTTPS with it when set),
# PUSH_REMOTE (default: origin), PUSH_BRANCH (default: the current branch),
# GITHUB_OUTPUT (receives changed=true|false and sha=...).
set -euo pipefail

day="${1:?usage: commit-back.sh DAY}"
remote="${PUSH_REMOTE:-origin}"
branch="${PUSH_BRANCH:-$(git rev-parse --abbrev-ref HEAD)}"
output="${GITHUB_OUTPUT:-/dev/null}"

paths=()
for path in content state; do
  [ -e "$path" ] && paths+=("$path")
done
# state/candidates is a cache (actions/cache keeps it), not history
if [ "${#paths[@]}" -gt 0 ]; then paths+=(":(exclude)state/candidates"); fi
# --sparse: in the daily job's sparse checkout a new entry may go to a folder it left out; the
# entries it left out are not on disk and stay as they are (git never reads them as deleted)
if [ "${#paths[@]}" -eq 0 ] || { git add --all --sparse -- "${paths[@]}" && git diff --cached --quiet -- "${paths[@]}"; }; then
  echo "Nothing changed in content/ or state/: no commit."
  { echo "changed=false"; echo "sha=$(git rev-parse HEAD)"; } >> "$output"
  exit 0
fi

new=$(git diff --cached --name-only --diff-filter=A -- content/papers | wc -l | tr -d ' ')
export GIT_AUTHOR_NAME="github-actions[bot]" GIT_COMMITTER_NAME="github-actions[bot]"
export GIT_AUTHOR_EMAIL="41898282+github-actions[bot]@users.noreply.github.com"
export GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
git commit --quiet -m "Daily update for ${day}: ${new} new papers" -- "${paths[@]}"

auth=()
if [ -n "${GITHUB_TOKEN:-}" ]; then
  header=$(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 | tr -d '\n')
  [ -n "${GITHUB_ACTIONS:-}" ] && echo "::add-mask::${header}"
  auth=(-c "http.extraheader=AUTHORIZATION: basic ${header}")
fi
for attempt in 1 2 3; do
  if git "${auth[@]}" push --quiet "$remote" "HEAD:refs/heads/${branch}"; then
    echo "Pushed $(git rev-parse --short HEAD) to ${branch}: ${new} new papers."
    { echo "changed=true"; echo "sha=$(git rev-parse HEAD)"; } >> "$output"
    exit 0
  fi
  echo "Push attempt ${attempt} was rejected; rebasing on ${branch} and trying again." >&2
  git "${auth[@]}" pull --quiet --rebase "$remote" "$branch"
done
echo "Could not push the daily update after 3 attempts." >&2
exit 1
