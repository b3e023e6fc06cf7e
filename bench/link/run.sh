#!/bin/bash
# Interleaved timing of the linker against bun's warm link, one line per run.
#   bench/link/run.sh <rounds> <store dir> <scratch dir> [bun project dir] [bun cache dir]
# The store comes from make-store.ts; the bun project must have been installed once with
# BUN_INSTALL_CACHE_DIR=<bun cache dir>. Every tree is moved into <scratch>/trash and deleted
# only at the end: creating files right after a large delete is several times slower on
# journal-less ext4 (notes/bun-apis.md 1.4).
set -u
ROUNDS=$1; STORE=$2; SCRATCH=$3; BUNPROJ=${4:-}; BUNCACHE=${5:-}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$SCRATCH/trash"
methods=(w1 w2 w3)
[ -n "$BUNPROJ" ] && methods+=(bun)
k=0
run() { # name, command...
  local name=$1; shift
  sync; sleep 1
  /usr/bin/time -f '%e %U %S %M' -o "$SCRATCH/time.txt" "$@" > "$SCRATCH/out.txt" 2>&1
  local extra
  extra=$(grep -o '^{.*}' "$SCRATCH/out.txt"; grep -o 'installed \[[^]]*\]' "$SCRATCH/out.txt")
  printf '%s\t%s\t%s\t%s\n' "$r" "$name" "$(tail -1 "$SCRATCH/time.txt")" "$extra"
}
for r in $(seq 1 "$ROUNDS"); do
  for i in $(seq 0 $((${#methods[@]} - 1))); do
    m=${methods[$(( (i + r - 1) % ${#methods[@]} ))]}
    k=$((k + 1))
    case $m in
      w*) run "$m" bun "$HERE/link-tree.ts" "$STORE" "$SCRATCH/p-$k" "${m#w}"
          mv "$SCRATCH/p-$k" "$SCRATCH/trash/";;
      bun) [ -e "$BUNPROJ/node_modules" ] && mv "$BUNPROJ/node_modules" "$SCRATCH/trash/bun-$k"
           (cd "$BUNPROJ" && run bun env BUN_INSTALL_CACHE_DIR="$BUNCACHE" bun install --ignore-scripts --frozen-lockfile);;
    esac
  done
done
rm -rf "$SCRATCH/trash"
