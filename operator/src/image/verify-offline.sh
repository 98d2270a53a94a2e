#!/usr/bin/env bash
# Checks `make image` where no registry is reachable: builds a stand-in base image (this machine's
# JRE 17 and the libraries it links, nothing else) as a docker-save tar, builds the Jib image on it
# (-Dimage.base=tar://...), then reads the image config (user, entrypoint, arguments) and runs the
# entrypoint from the unpacked layers in a chroot as the image's user. Needs root (chroot), python3.
# The real base (eclipse-temurin:17-jre) is what `make image` uses where the registry is reachable.
set -euo pipefail
cd "$(dirname "$0")/../../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jre=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")

echo "== stand-in base image from $jre"
mkdir -p "$work/base"
{
  echo "$jre"
  find "$jre" \( -name '*.so' -o -path '*/bin/*' \) -type f -print0 | xargs -0 ldd 2>/dev/null \
    | grep -o '=> /[^ ]*' | cut -c4- | xargs realpath -s | grep -v "^$jre/" | sort -u
  echo /lib64/ld-linux-x86-64.so.2
} >"$work/files"
# Each path once (a second one would be stored as a hard link to itself).
# -h: the Debian JDK links its conf and cacerts to /etc; src.zip may dangle, it is not needed
tar -chf "$work/base/layer.tar" --absolute-names --transform 's,^/,,' --exclude=src.zip \
  -T "$work/files"
python3 - "$work/base" "$jre" <<'PY'
import hashlib, json, sys, os
base, jre = sys.argv[1], sys.argv[2]
digest = hashlib.sha256(open(os.path.join(base, "layer.tar"), "rb").read()).hexdigest()
config = {"architecture": "amd64", "os": "linux",
          "config": {"Env": [f"PATH={jre}/bin:/usr/bin:/bin"]},
          "rootfs": {"type": "layers", "diff_ids": ["sha256:" + digest]}}
json.dump(config, open(os.path.join(base, "config.json"), "w"))
json.dump([{"Config": "config.json", "RepoTags": ["pgdba-standin-base:local"],
            "Layers": ["layer.tar"]}], open(os.path.join(base, "manifest.json"), "w"))
PY
tar -C "$work/base" -cf "$work/base.tar" manifest.json config.json layer.tar

echo "== Jib image on it"
mvn -B -ntp -q -DskipTests -Pimage package -Dimage.base="tar://$work/base.tar"
image=operator/target/jib-image.tar
ls -l "$image"

echo "== image config"
mkdir -p "$work/image" "$work/root"
tar -C "$work/image" -xf "$image"
python3 - "$work/image" >"$work/run" <<'PY'
import json, os, shlex, sys
image = sys.argv[1]
manifest = json.load(open(os.path.join(image, "manifest.json")))[0]
config = json.load(open(os.path.join(image, manifest["Config"])))["config"]
for key in ("User", "Entrypoint", "Cmd", "WorkingDir", "ExposedPorts"):
    print(key, config.get(key), file=sys.stderr)
assert config["User"] == "65532:65532", config["User"]
assert config["Cmd"] == ["operator"], config.get("Cmd")
print("layers=(" + " ".join(shlex.quote(l) for l in manifest["Layers"]) + ")")
print("user=" + shlex.quote(config["User"]))
print("argv=(" + " ".join(shlex.quote(a) for a in config["Entrypoint"] + config["Cmd"]) + ")")
path = [e[5:] for e in config["Env"] if e.startswith("PATH=")][0]
print("path=" + shlex.quote(path))
PY
# shellcheck disable=SC1091
source "$work/run"
for layer in "${layers[@]}"; do
  tar -C "$work/root" -xzf "$work/image/$layer" 2>/dev/null
done
mkdir -p "$work/root/tmp" "$work/root/proc" && chmod 1777 "$work/root/tmp"
java_bin=$(for d in ${path//:/ }; do [ -x "$work/root$d/java" ] && echo "$d/java" && break; done)
argv[0]=$java_bin

echo "== entrypoint in a chroot, as $user: ${argv[*]}"
# /proc is there in any container; the JDK's launcher needs it to find its own libraries.
set +e
unshare --mount sh -c \
  'root=$1 user=$2; shift 2; mount --bind /proc "$root/proc" && exec chroot --userspec="$user" "$root" "$@"' \
  sh "$work/root" "$user" "${argv[@]}" 2>&1 | head -20
echo "exit status ${PIPESTATUS[0]} (Main runs; its answer is the CLI's)"
