#!/usr/bin/env bash
# Builds and runs Examples/TrainLSTM against Perplex required by version, as a user's package
# would: clones this repository's HEAD into a temporary folder, tags the clone 0.1.0 (the
# repository itself is never tagged), and points PERPLEX_PACKAGE_URL at it. Fails when the
# build or the run fails, or when the run does not print its 20 generated words.
# Usage: scripts/example_check.sh   (or: make example). SWIFT overrides the swift command;
# EXAMPLE_SCRATCH the build folder (default .build-example, ignored by git).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
swift="${SWIFT:-swift}"
scratch="${EXAMPLE_SCRATCH:-$root/.build-example}"

# The README and the getting-started article show main.swift as it is (their Swift block that
# starts with main.swift's first line).
main="$root/Examples/TrainLSTM/Sources/TrainLSTM/main.swift"
for doc in "$root/README.md" "$root/Sources/Train/Train.docc/GettingStarted.md"; do
    if ! diff -u "$main" <(awk -v first="$(head -1 "$main")" '/^```swift$/ { code = 1; block = ""; next }
            /^```$/ { if (code && index(block, first "\n") == 1) printf "%s", block; code = 0; next }
            code { block = block $0 "\n" }' "$doc"); then
        echo "example: $doc no longer shows $main (diff above)" >&2; exit 1
    fi
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"; rm -f "$root/Examples/TrainLSTM/Package.resolved"' EXIT
# The folder's name is the package's identity in the example's manifest; --no-tags so that the
# clone's only version is the one below.
git clone --quiet --no-tags "$root" "$tmp/perplex"
git -C "$tmp/perplex" tag 0.1.0
echo "example: Perplex $(git -C "$tmp/perplex" rev-parse --short HEAD) tagged 0.1.0 in $tmp/perplex"

# The clone's URL changes every run: resolve afresh (the trap removes Package.resolved again).
start=$SECONDS
PERPLEX_PACKAGE_URL="file://$tmp/perplex" "$swift" package --package-path "$root/Examples/TrainLSTM" \
    --scratch-path "$scratch" update
PERPLEX_PACKAGE_URL="file://$tmp/perplex" "$swift" build -c release --package-path "$root/Examples/TrainLSTM" \
    --scratch-path "$scratch"
echo "example: built in $((SECONDS - start)) s"
start=$SECONDS
output="$(PERPLEX_PACKAGE_URL="file://$tmp/perplex" "$swift" run -c release --skip-build \
    --package-path "$root/Examples/TrainLSTM" --scratch-path "$scratch" TrainLSTM)"
printf '%s\n' "$output"
echo "example: ran in $((SECONDS - start)) s"

grep -Eq '^test perplexity [0-9]+\.[0-9]+$' <<<"$output" || { echo "example: no test perplexity line" >&2; exit 1; }
words="$(grep -E '^generated: ' <<<"$output" | sed 's/^generated: //')" || { echo "example: no generated line" >&2; exit 1; }
count="$(wc -w <<<"$words")"
[ "$count" -eq 20 ] || { echo "example: $count generated words, expected 20" >&2; exit 1; }
echo "example: ok"
