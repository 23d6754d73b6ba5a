#!/usr/bin/env bash
# Runs every command line of PyTorch's word_language_model README (its first block and its
# "slower but better" block) with `perplex train` for `python main.py` and `perplex generate` for
# `python generate.py`, in a temporary folder, and says which succeed; exits non-zero unless all do.
#
#   scripts/recipe_cli_check.sh [DATA]       # DATA: train.txt, valid.txt, test.txt (default ../shared/data/ptb-small)
#
# The lines are read from the recipe's README at run time (RECIPE_README names a copy, else the
# mirror's git repository RECIPE_MIRROR is asked for it). Each line runs as written plus
# `--data DATA` and, for training, `--dry-run --epochs 1` (one batch, one validation, the test;
# RECIPE_EPOCHS=keep drops `--epochs 1` and trains the line's epochs, one batch each).
#
# The recipe's main.py saves ./model.pt by default and its generate.py reads ./model.pt by
# default. `perplex train` saves to runs/<model> unless told otherwise, so by default each
# generate line is given `--checkpoint` with the run folder of the training line before it.
# RECIPE_SAVE=model.pt (or model.safetensors) adds `--save $RECIPE_SAVE --overwrite` to the
# training lines instead, and generate lines then run with no `--checkpoint`, as written (for
# model.safetensors, with `--checkpoint model.safetensors`).
#
# PERPLEX names the executable (default: .build/release/perplex; build it with
# `swift build -c release --product perplex`).
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
data=$(cd "${1:-$root/../shared/data/ptb-small}" 2>/dev/null && pwd) || {
    echo "error: data folder not found: ${1:-$root/../shared/data/ptb-small}" >&2
    exit 2
}
perplex=${PERPLEX:-$root/.build/release/perplex}
[ -x "$perplex" ] || {
    echo "error: $perplex is not built (swift build -c release --product perplex)" >&2
    exit 2
}
mirror=${RECIPE_MIRROR:-/work/.mirror/pytorch+examples/repo}
if [ -n "${RECIPE_README:-}" ]; then
    readme=$(cat "$RECIPE_README") || exit 2
else
    readme=$(git -C "$mirror" show HEAD:word_language_model/README.md) || {
        echo "error: cannot read word_language_model/README.md from $mirror (set RECIPE_README)" >&2
        exit 2
    }
fi
save=${RECIPE_SAVE:-}

# The python lines of the README's code blocks, comments cut.
lines=$(printf '%s\n' "$readme" | awk '
    /^```/ { inside = !inside; next }
    inside && /^python (main|generate)\.py/ { sub(/[ \t]+#.*$/, ""); print }')
[ -n "$lines" ] || {
    echo "error: no python main.py / generate.py lines found in the recipe README" >&2
    exit 2
}

work=$(mktemp -d "${TMPDIR:-/tmp}/recipe-cli.XXXXXX")
echo "recipe lines run in $work with --data $data (perplex: $perplex)"
passed=0
failed=0
last_run=""
n=0
while IFS= read -r line; do
    n=$((n + 1))
    read -r -a words <<<"$line"
    script=${words[1]}
    args=("${words[@]:2}")
    case "$script" in
    main.py)
        command=("$perplex" train "${args[@]}" --data "$data" --dry-run)
        [ "${RECIPE_EPOCHS:-}" = keep ] || command+=(--epochs 1)
        [ -z "$save" ] || command+=(--save "$save" --overwrite)
        ;;
    generate.py)
        command=("$perplex" generate "${args[@]}" --data "$data")
        if [ -z "$save" ]; then
            [ -z "$last_run" ] || command+=(--checkpoint "$last_run")
        elif [ "$save" != model.pt ]; then
            command+=(--checkpoint "$save")
        fi
        ;;
    *)
        echo "error: unexpected line: $line" >&2
        exit 2
        ;;
    esac
    log="$work/line$n.log"
    start=$(date +%s)
    (cd "$work" && "${command[@]}") >"$log" 2>&1
    status=$?
    seconds=$(($(date +%s) - start))
    shown="perplex ${command[*]:1}"
    shown=${shown//"$data"/DATA}
    shown=${shown//"$work/"/}
    if [ $status -eq 0 ]; then
        passed=$((passed + 1))
        printf 'ok      %4ds  %s\n' "$seconds" "$line"
        printf '                as %s\n' "$shown"
        folder=$(sed -n 's/.*run folder \([^,]*\).*/\1/p' "$log" | tail -1)
        [ -z "$folder" ] || last_run=$folder
    else
        failed=$((failed + 1))
        printf 'FAILED  %4ds  %s\n' "$seconds" "$line"
        printf '                as %s (exit %d)\n' "$shown" "$status"
        tail -3 "$log" | sed 's/^/                | /'
    fi
done <<<"$lines"

echo "$passed of $((passed + failed)) recipe lines succeeded (logs in $work)"
[ $failed -eq 0 ]
