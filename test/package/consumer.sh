#!/usr/bin/env bash
# The package as a platform team gets it. Packs the tarball (twice: the same
# commit must give the same bytes), checks what it ships, installs it into a
# fresh project with the peers and the real cdk8s/cdktf CLIs, compiles and
# synthesizes a fleet that is none of the examples (once from the composites,
# once from the individual constructs), verifies and renders with the
# installed `agent-trust` CLI, compiles every README/docs sample against the
# package (and runs the README's three-file sample), then imports the
# launcher from native ESM and CommonJS in a second project installed with
# `--omit=peer`. Needs only the npm registry (the npm cache makes it fast).
# KEEP_CONSUMER=1 keeps the temporary projects for inspection.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/test/package"
work="$(mktemp -d "${TMPDIR:-/tmp}/agent-trust-consumer.XXXXXX")"
if [ -n "${KEEP_CONSUMER:-}" ]; then
  echo "consumer test: keeping $work"
else
  trap 'rm -rf "$work"' EXIT
fi

export CDK8S_CHECK_UPGRADE=false CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=true TF_CLI_CONFIG_FILE=/dev/null
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false npm_config_prefer_offline=true
export npm_config_loglevel=error

started=$SECONDS
checks=0
step() { echo "-- [$((SECONDS - started)) s] $*"; }
ok() { checks=$((checks + 1)); }
fail() { echo "consumer test FAILED: $*" >&2; exit 1; }
# Run a command quietly; on failure show its output and fail.
quiet() {
  local log="$work/last.log"
  if ! "$@" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    fail "$* (exit code above)"
  fi
}
# The version the repository is tested with (the lock file's), so npm finds it in the cache.
installed() { node -p "require('$root/node_modules/$1/package.json').version"; }

step "npm pack, twice (prepack builds; the two tarballs must be identical)"
mkdir -p "$work/pack1" "$work/pack2"
(cd "$root" && quiet npm pack --pack-destination "$work/pack1")
(cd "$root" && quiet npm pack --pack-destination "$work/pack2")
tgz="$(ls "$work"/pack1/*.tgz)"
sum1="$(sha256sum <"$tgz" | cut -d' ' -f1)"
sum2="$(sha256sum <"$work/pack2/$(basename "$tgz")" | cut -d' ' -f1)"
[ "$sum1" = "$sum2" ] || fail "two packs of the same tree differ: $sum1 vs $sum2 (timestamps or build info in the package?)"
ok
echo "   $(basename "$tgz"): $(du -k "$tgz" | cut -f1) kB, sha256 $sum1"

step "tarball contents"
tar tzf "$tgz" | sed 's#^package/##' | sort >"$work/contents.txt"
for f in package.json README.md API.md LICENSE .jsii schema/launcher-contract.schema.json docs/launcher.md \
  build/lib/index.js build/lib/index.d.ts build/lib/launcher/index.js build/lib/launcher/index.d.ts \
  build/lib/check/index.js build/lib/model/index.js build/lib/k8s/index.js build/lib/vault/index.js \
  build/bin/agent-trust.js node_modules/yaml/package.json node_modules/js-yaml/package.json; do
  grep -qx "$f" "$work/contents.txt" || fail "the tarball lacks $f"
  ok
done
# Our own build output only: the bundled dependencies (yaml, js-yaml) ship as their authors publish them.
if grep -E '^build/(test|examples|bench)/|^build/.*\.map$|tsbuildinfo|^tsconfig' "$work/contents.txt"; then
  fail "the tarball ships build output that is not the library (listed above)"
fi
ok
grep -q 'Apache License' <(tar xzf "$tgz" -O package/LICENSE) || fail "LICENSE is not the Apache License"
if tar xzf "$tgz" -O --wildcards 'package/build/*.js' | grep -q 'sourceMappingURL'; then
  fail "the compiled library carries source maps (sources embedded)"
fi
ok
# Every docs/ page the README names ships with it.
for doc in $(grep -oE 'docs/[a-z-]+\.md' "$root/README.md" | sort -u); do
  grep -qx "$doc" "$work/contents.txt" || fail "README.md names $doc, which the package does not ship"
  ok
done

step "a fresh consumer project: install the tarball, the peers and the CLIs"
app="$work/platform-agents"
cp -R "$here/consumer" "$app"
cat >"$app/package.json" <<EOF
{
  "name": "platform-agents",
  "version": "1.0.0",
  "private": true,
  "dependencies": {
    "cdk-agent-trust": "file:$tgz",
    "@cdktf/provider-vault": "$(installed @cdktf/provider-vault)",
    "cdk8s": "$(installed cdk8s)",
    "cdk8s-plus-28": "$(installed cdk8s-plus-28)",
    "cdktf": "$(installed cdktf)",
    "constructs": "$(installed constructs)"
  },
  "devDependencies": {
    "@types/node": "$(installed @types/node)",
    "cdk8s-cli": "$(installed cdk8s-cli)",
    "cdktf-cli": "$(installed cdktf-cli)",
    "typescript": "$(installed typescript)"
  }
}
EOF
(cd "$app" && quiet npm install)
ok

step "compile the consumer's stacks (tsc, skipLibCheck off: the shipped .d.ts must type-check)"
(cd "$app" && quiet npx tsc -p tsconfig.json)
ok

step "cdk8s synth (composites; individual constructs) and cdktf synth (both stacks), with the real CLIs"
(cd "$app" && quiet npx cdk8s synth --check-upgrade false)
(cd "$app" && quiet npx cdk8s synth --check-upgrade false --app 'node build/k8s-constructs.js' --output dist-constructs)
(cd "$app" && quiet npx cdktf synth)
for f in dist/platform-agents.k8s.yaml dist/contracts/ai-ops.triage.contract.json dist/contracts/ai-ops.remediator.contract.json \
  dist-constructs/platform-agents.k8s.yaml dist-constructs/contracts/ai-ops.remediator.contract.json \
  cdktf.out/stacks/platform-vault-composites/cdk.tf.json cdktf.out/stacks/platform-vault-constructs/cdk.tf.json; do
  [ -s "$app/$f" ] || fail "synth did not write $f"
  ok
done
# Both compositions render the same objects and the same kinds of Vault resources.
(cd "$app" && node -e '
  const { SynthOutput } = require("cdk-agent-trust/launcher");
  const fs = require("fs");
  const objects = dir => SynthOutput.readDirectory(dir).map(o => `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`).sort();
  const resources = stack => Object.entries(JSON.parse(fs.readFileSync(`cdktf.out/stacks/${stack}/cdk.tf.json`, "utf8")).resource)
    .flatMap(([type, byName]) => Object.keys(byName).map(() => type)).sort();
  const [a, b] = [objects("dist"), objects("dist-constructs")];
  if (JSON.stringify(a) !== JSON.stringify(b)) { console.error("composite vs constructs:", a.filter(x => !b.includes(x)), b.filter(x => !a.includes(x))); process.exit(1); }
  const [c, d] = [resources("platform-vault-composites"), resources("platform-vault-constructs")];
  if (JSON.stringify(c) !== JSON.stringify(d)) { console.error("Vault stacks differ:", c, d); process.exit(1); }
  const namespaces = new Set(a.filter(x => x.startsWith("Role ")).map(x => x.split(" ")[1].split("/")[0]));
  for (const ns of ["orders", "inventory", "shipping"]) if (!namespaces.has(ns)) { console.error(`no Role in ${ns}`); process.exit(1); }
  console.log(`   ${a.length} Kubernetes objects and ${c.length} Terraform resources, the same from both compositions`);
') || fail "the composites and the individual constructs render different output"
ok

step "npx agent-trust verify (both compositions): no findings"
for pair in "dist platform-vault-composites" "dist-constructs platform-vault-constructs"; do
  set -- $pair
  (cd "$app" && npx agent-trust verify "$1" "cdktf.out/stacks/$2" --format json >"$work/verify.json") \
    || { cat "$work/verify.json" >&2; fail "agent-trust verify $1 cdktf.out/stacks/$2 exited non-zero"; }
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); if (r.findings.length) { console.error(r.findings); process.exit(1); }' "$work/verify.json" \
    || fail "agent-trust verify $1 found problems"
  ok
done

step "npx agent-trust render and report"
(cd "$app" && npx agent-trust render --contract dist --agent remediator --id inc-7 --phase limited-write --output json >"$work/job.json") \
  || fail "agent-trust render exited non-zero"
node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (j.metadata.name !== "investigation-inc-7" || j.metadata.namespace !== "ai-ops" || j.spec.template.spec.serviceAccountName !== "agent-phase-limited-write") { console.error(j.metadata, j.spec.template.spec.serviceAccountName); process.exit(1); }' "$work/job.json" \
  || fail "agent-trust render printed the wrong Job"
ok
rc=0; (cd "$app" && npx agent-trust render --contract dist --agent triage --id inc-8 --phase read-only >/dev/null 2>"$work/refused.txt") || rc=$?
[ "$rc" = 1 ] || fail "render above triage's ceiling (shadow) should exit 1, got $rc"
ok
rc=0; (cd "$app" && npx agent-trust report --contract dist --agent remediator >"$work/report.md") || rc=$?
{ [ "$rc" -le 1 ] && grep -q 'limited-write' "$work/report.md"; } || fail "agent-trust report exited $rc or printed no promotion to limited-write"
ok

step "README and docs samples: type-check against the installed package, run the README's"
(cd "$app" && quiet node "$root/test/docs/extract-samples.js" samples "$root/README.md" "$root"/docs/*.md)
cat "$work/last.log" | sed 's/^/   /'
(cd "$app" && quiet npx tsc -p tsconfig.samples.json)
ok
# The same with Node 16 module resolution: the `exports` map's types, not typesVersions.
(cd "$app" && quiet npx tsc -p tsconfig.samples.json --noEmit --module node16 --moduleResolution node16)
ok
(cd "$app/build-samples/README" && quiet node k8s.js && quiet node vault.js)
(cd "$app/build-samples/README" && npx agent-trust verify dist cdktf.out >"$work/verify-readme.txt") \
  || { cat "$work/verify-readme.txt" >&2; fail "the README's sample synthesizes output that agent-trust verify rejects"; }
ok

step "a launcher-only project: npm install --omit=peer, ESM and CommonJS imports, the CLI"
lo="$work/launcher"
mkdir -p "$lo"
cp "$here"/launcher-only/* "$lo/"
echo '{ "name": "investigation-launcher", "version": "1.0.0", "private": true }' >"$lo/package.json"
(cd "$lo" && quiet npm install --omit=peer "$tgz")
for peer in cdk8s cdk8s-plus-28 cdktf @cdktf/provider-vault constructs; do
  [ ! -e "$lo/node_modules/$peer" ] || fail "--omit=peer installed $peer"
done
ok
(cd "$lo" && node launch.mjs "$app/dist" "$app/cdktf.out/stacks/platform-vault-composites") || fail "ESM launcher import"
ok
(cd "$lo" && node launch.cjs "$app/dist") || fail "CommonJS launcher import"
ok
(cd "$lo" && npx agent-trust render --contract "$app/dist" --agent triage --id inc-9 --phase shadow >/dev/null) || fail "render without peers"
(cd "$lo" && npx agent-trust verify "$app/dist" "$app/cdktf.out/stacks/platform-vault-composites" >/dev/null) || fail "verify without peers"
rc=0; (cd "$lo" && npx agent-trust report --contract "$app/dist" --agent remediator >/dev/null) || rc=$?
[ "$rc" -le 1 ] || fail "report without peers exited $rc"
ok

echo "consumer test: $checks checks passed in $((SECONDS - started)) s"
