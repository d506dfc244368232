#!/usr/bin/env bash
# curl (a client nobody here wrote) resumes a result download with HTTP Range: the first part is
# cut at a random offset, `curl -C -` fetches the rest, and the file must be byte-identical.
set -euo pipefail
info=$JOBSCOPE_SANDBOX_INFO
j() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))" "$info" "$1"; }
base=$(j 'd["dialects"]["peako"]["base_url"]'); key=$(j 'd["dialects"]["peako"]["api_key"]')
id=$(curl -sf -X POST "$base/api/render" -H "X-API-Key: $key" -H 'Content-Type: application/json' \
  -d '{"template":"promo","duration_s":8,"fps":12,"sandbox":{"duration_ms":200}}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["jobId"])')
url=""
for _ in $(seq 1 100); do
  url=$(curl -sf "$base/api/jobs/$id" -H "X-API-Key: $key" | python3 -c 'import json,sys;print(json.load(sys.stdin).get("outputUrl",""))')
  [[ -n $url ]] && break
  sleep 0.1
done
[[ -n $url ]] || { echo "not ok - job never finished"; exit 1; }
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
curl -sf -o "$dir/full" "$url"
size=$(stat -c %s "$dir/full")
passed=0
for cut in 1 777 $((size / 3)) $((size - 1)); do
  head -c "$cut" "$dir/full" > "$dir/part"
  curl -sf -C - -o "$dir/part" "$url"
  if cmp -s "$dir/full" "$dir/part"; then echo "ok - resumed from byte $cut of $size"; passed=$((passed + 1));
  else echo "not ok - resume from $cut differs"; fi
done
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Range: bytes=$size-" "$url")
if [[ $code == 416 ]]; then echo "ok - range past the end is 416"; passed=$((passed + 1)); else echo "not ok - range past end gave $code"; fi
echo "$passed passed, $((5 - passed)) failed"
[[ $passed == 5 ]]
