#!/usr/bin/env bash
# A desk kept in git and shared by two people: `svcdesk git setup --hook` in each clone
# (git clone does not copy .git/config), `--commit` for one commit per change, both
# sides note the same ticket, and the merge keeps both notes. The pre-commit hook
# refuses a broken record. Uses `svcdesk` and `git` from PATH; tests/e2e/examples.rs runs it.
#
# Usage: examples/git-setup.sh [DIR]    (default: a new temporary directory)
set -euo pipefail

dir=${1:-$(mktemp -d)}
cd "$dir"
export SVCDESK_NOW=2026-11-24T09:30:00+08:00 SVCDESK_USER=li
# An identity for the commits, in case this machine has none.
export GIT_AUTHOR_NAME='Li Li' GIT_AUTHOR_EMAIL=li@example.com
export GIT_COMMITTER_NAME='Li Li' GIT_COMMITTER_EMAIL=li@example.com

# The shared desk: a bare repository on a server, here a folder.
git init -q --bare desk.git
svcdesk init li-desk --name '华东售后服务台' --timezone Asia/Shanghai --git
cd li-desk
svcdesk git setup --hook               # idempotent: adds the pre-commit hook
git add -A && git commit -q -m 'new desk'
git branch -M main && git remote add origin ../desk.git && git push -q -u origin main

c=$(svcdesk --commit customer add --name '华东机械有限公司' --phone 021-5555-0101)
t=$(svcdesk --commit ticket open --customer "$c" --category complaint -m 'machine stops')
git push -q
git log --oneline

# Later that morning both enter a call they made (--at: when it happened).
export SVCDESK_NOW=2026-11-24T11:00:00+08:00

# A colleague clones the desk and sets it up: the merge driver lives in .git/config.
cd "$dir"
git clone -q -b main desk.git wang-desk
cd wang-desk
svcdesk git setup --hook
SVCDESK_USER=wang svcdesk --commit ticket note "$t" -m 'called the customer back' --at '2026-11-24 10:00'
git push -q

# Meanwhile li notes the same ticket; the pull merges the two histories.
cd "$dir/li-desk"
svcdesk --commit ticket note "$t" -m 'asked for the serial number' --at '2026-11-24 10:05'
git -c pull.rebase=false pull -q --no-edit
svcdesk ticket show "$t" | grep -E 'note'
svcdesk check && echo 'merged desk is consistent'

# The hook refuses a record that does not parse.
echo 'not = [valid' >> "customers/$c.toml"
if git commit -q -am 'broken record'; then
    echo 'the hook let a broken record through' >&2
    exit 1
fi
git checkout -q -- "customers/$c.toml"
echo "git setup done: $dir"
