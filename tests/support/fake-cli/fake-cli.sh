#!/usr/bin/env bash
# The command-line tools the README's commands call (pulumi, aws, docker, psql, dig, gh, npm, kubectl), faked
# for tests/readme.test.ts: each call is appended to $FAKE_CLI_STATE/calls (the tool and its
# arguments, tab-separated), which the test replays against a copy of the stack files: config edits
# applied as `pulumi config set` makes them, every `pulumi up`/`preview` planned, every name an AWS
# call uses checked against the plans. What a later command of the same block reads is answered
# here: the selected stack, stack outputs (from the plans: $FAKE_CLI_STATE/outputs/<stack>.json,
# and each output as text and as JSON under outputs/<stack>/), and what AWS would print.
set -euo pipefail

# Called through a symlink named after the tool (pulumi, aws, …), or as `fake-cli.sh <tool> …`.
tool=$(basename "$0")
if [[ $tool == fake-cli.sh ]]; then
    tool=$1
    shift
fi
state=${FAKE_CLI_STATE:?FAKE_CLI_STATE is not set}
{
    printf '%s' "$tool"
    for arg in "$@"; do printf '\t%s' "${arg//$'\n'/\\n}"; done
    printf '\n'
} >>"$state/calls"

# The value of option $1 (`--opt value` or `--opt=value`) among the remaining arguments.
option() {
    local name=$1 previous=""
    shift
    for arg in "$@"; do
        if [[ $previous == "$name" ]]; then
            printf '%s' "$arg"
            return 0
        fi
        if [[ $arg == "$name="* ]]; then
            printf '%s' "${arg#*=}"
            return 0
        fi
        previous=$arg
    done
    return 1
}

# The stack a pulumi command acts on: --stack/-s, else the selected one.
stack_of() {
    option --stack "$@" || option -s "$@" || cat "$state/selected" 2>/dev/null || {
        echo "error: no stack selected; please use \`pulumi stack select\` to choose one" >&2
        exit 255
    }
}

case $tool in
pulumi)
    case "${1:-} ${2:-}" in
    "stack init" | "stack select")
        printf '%s' "$3" >"$state/selected"
        ;;
    "stack output")
        shift 2
        stack=$(stack_of "$@")
        outputs="$state/outputs/$stack"
        [[ -d $outputs ]] || { echo "error: stack $stack has no outputs yet (run pulumi up)" >&2; exit 255; }
        name=""
        json=false
        previous=""
        for arg in "$@"; do
            case $arg in
            --json | -j) json=true ;;
            --show-secrets) ;;
            -*) ;;
            *) [[ $previous == --stack || $previous == -s ]] || name=$arg ;;
            esac
            previous=$arg
        done
        if [[ -z $name ]]; then
            cat "$outputs.json"
        elif [[ ! -f "$outputs/$name.text" ]]; then
            echo "error: current stack does not have output property '$name'" >&2
            exit 255
        elif $json; then
            cat "$outputs/$name.json"
        else
            cat "$outputs/$name.text"
        fi
        ;;
    "config set" | "config rm" | "config get")
        stack_of "$@" >/dev/null
        ;;
    "up "* | "preview "* | "refresh "* | "import "*)
        stack_of "$@" >/dev/null
        ;;
    esac
    ;;
aws)
    case "${1:-} ${2:-}" in
    "ecr get-login-password") echo "fake-ecr-login-token" ;;
    "sts get-caller-identity") echo '{"UserId":"AIDAFAKE","Account":"123456789012","Arn":"arn:aws:iam::123456789012:user/operator"}' ;;
    "ecs list-tasks") echo "arn:aws:ecs:ap-northeast-2:123456789012:task/$(option --cluster "$@")/0123456789abcdef0123456789abcdef" ;;
    "ecs describe-tasks") echo "0123456789abcdef0123456789abcdef-1234567890" ;;
    "secretsmanager get-secret-value") echo '{"username":"popcorn_admin","password":"from-the-fake-aws-cli"}' ;;
    *) echo '{}' ;;
    esac
    ;;
kubectl)
    case "$*" in
    *"get secret"*) printf '%s' "ZmFrZS1ncmFmYW5hLXBhc3N3b3Jk" ;;   # base64 of a fake password, as -o jsonpath prints it
    *"create token"*) echo "eyJhbGciOiJSUzI1NiJ9.fake.token" ;;
    *) ;;                                                           # port-forward: nothing to print
    esac
    ;;
docker | psql)
    # Both may read stdin (docker login --password-stdin, psql <<SQL).
    [[ -t 0 ]] || cat >/dev/null
    ;;
dig)
    echo "ns-1.awsdns-01.org."
    ;;
gh | npm | sleep) ;;   # sleep: the README's pauses between canary steps cost a test nothing
*)
    echo "fake-cli: no fake for $tool" >&2
    exit 127
    ;;
esac
