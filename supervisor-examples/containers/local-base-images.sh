#!/usr/bin/env bash
# Local stand-ins for the base images the recipes name, made from this machine's own files,
# for machines without an image registry (ours): `podman import` of a tarball.
#
#   eclipse-temurin:17-jre  Debian's OpenJDK 17 (/usr/lib/jvm/java-17-openjdk-amd64, with the
#                           /etc/java-17-openjdk it links to), at /opt/java/openjdk as in the
#                           real image (JAVA_HOME, PATH), the C libraries it needs, dash as
#                           /bin/sh and a few coreutils (the real image is Ubuntu with bash).
#   eclipse-temurin:25-jdk  Temurin 25 (/usr/lib/jvm/temurin-25-jdk-*, self-contained), the same
#                           userland.
#   busybox:1.36            Debian's static busybox (package busybox-static, 1.35) and a link
#                           for each applet, CMD ["sh"], as the real image.
#
# Usage: local-base-images.sh [NAME=TAG ...]   NAME is temurin17, temurin25 or busybox; TAG the
# image name to give it (default: the names above). Without arguments it makes all three.
# IMAGE_LABEL=key=value adds a label to each image (the tests mark theirs so).
# Needs root (podman), podman, tar, ldd. Exit 0 when every image was made; 1 if one could not
# be (one line on stderr says which file is missing).
set -euo pipefail

JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-$(ls -d /usr/lib/jvm/temurin-25-jdk-* 2>/dev/null | head -n 1)}
BUSYBOX=${BUSYBOX:-/usr/bin/busybox}
LABEL_CHANGE=()
[ -z "${IMAGE_LABEL:-}" ] || LABEL_CHANGE=(--change "LABEL $IMAGE_LABEL")
PATH_IN_IMAGE=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# The userland of the JDK images: a shell and what the examples' scripts call.
TOOLS=(sh dash sleep cat true false env ls id date mkdir rm cut head tail tr uname wc)

die() { echo "local-base-images: $*" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# canonical PATH: PATH with every directory symlink resolved (Debian's /lib is usr/lib); if the
# file itself is a symlink, also the file it points to, and so on.
canonical() {
  local p=$1 c
  while :; do
    c=$(realpath "$(dirname "$p")")/$(basename "$p")
    echo "${c#/}"
    [ -L "$c" ] || return 0
    p=$(readlink "$c")
    case $p in /*) ;; *) p=$(dirname "$c")/$p ;; esac
  done
}

# libraries FILE...: every shared library the files load (ldd), canonical, with the loader.
libraries() {
  ldd "$@" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | sort -u |
    while read -r lib; do canonical "$lib"; done
}

# skeleton DIR: the directories and symlinks of a Debian root (merged /usr), /tmp, /etc/passwd.
skeleton() {
  local d=$1
  mkdir -p "$d"/usr/bin "$d"/usr/lib "$d"/usr/lib64 "$d"/usr/sbin "$d"/etc "$d"/tmp "$d"/root "$d"/home "$d"/var/tmp "$d"/opt/java
  chmod 1777 "$d"/tmp "$d"/var/tmp
  chmod 700 "$d"/root
  ln -s usr/bin "$d"/bin; ln -s usr/lib "$d"/lib; ln -s usr/lib64 "$d"/lib64; ln -s usr/sbin "$d"/sbin
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$d"/etc/passwd
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$d"/etc/group
}

# jdk_image TAG JDK_DIR [ETC_DIR]: the JDK (without jmods, headers, sources, man pages) at its
# own path, /opt/java/openjdk linking to it, its libraries and the tools, imported as TAG.
jdk_image() {
  local tag=$1 jdk=$2 etc=${3:-} root="$stage/$1" list="$stage/$1.list"
  [ -x "$jdk/bin/java" ] || die "no JDK at ${jdk:-?} for $tag"
  skeleton "$root"
  ln -s "$jdk" "$root"/opt/java/openjdk
  (cd "$root" && find . -mindepth 1 | sed 's|^\./||') >"$list.stage"
  {
    (cd / && find "${jdk#/}" \( -path "${jdk#/}/jmods" -o -path "${jdk#/}/include" -o -path "${jdk#/}/man" \
        -o -path "${jdk#/}/lib/src.zip" -o -path "${jdk#/}/lib/ct.sym" -o -path "${jdk#/}/demo" \) -prune -o -print)
    if [ -n "$etc" ]; then
      [ -d "$etc" ] || die "no $etc for $tag (Debian's JDK links its configuration there)"
      (cd / && find "${etc#/}")
    fi
    local natives=("$jdk"/bin/java "$jdk"/lib/server/libjvm.so) tool
    # The libraries the JDK's headless parts load; the AWT/sound ones would pull in X11.
    for lib in "$jdk"/lib/*.so; do
      case $(basename "$lib") in
        libawt*|libfontmanager*|libjawt*|libsplashscreen*|libjsound*|liblcms*|libjavajpeg*|libmlib_image*|libatk-wrapper*|libj2pcsc*) ;;
        *) natives+=("$lib") ;;
      esac
    done
    for tool in "${TOOLS[@]}"; do
      [ -x "/usr/bin/$tool" ] || die "no /usr/bin/$tool for $tag"
      canonical "/usr/bin/$tool"
      natives+=("/usr/bin/$tool")
    done
    libraries "${natives[@]}"
  } | sort -u >"$list.host"
  tar -c --no-recursion -C "$root" -T "$list.stage" -C / -T "$list.host" |
    podman import -q "${LABEL_CHANGE[@]}" --change "ENV PATH=$PATH_IN_IMAGE" --change "ENV JAVA_HOME=/opt/java/openjdk" \
      --message "local stand-in for $tag, made from $jdk by supervisor4j's local-base-images.sh" - "$tag" >/dev/null
  echo "local-base-images: $tag from $jdk"
}

busybox_image() {
  local tag=$1 root="$stage/busybox"
  [ -x "$BUSYBOX" ] || die "no $BUSYBOX for $tag (apt-get install busybox-static)"
  file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || die "$BUSYBOX is not statically linked (apt-get install busybox-static)"
  mkdir -p "$root"/bin "$root"/etc "$root"/tmp "$root"/root
  chmod 1777 "$root"/tmp
  cp "$BUSYBOX" "$root"/bin/busybox
  local applet
  for applet in $("$BUSYBOX" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$root"/etc/passwd
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root"/etc/group
  tar -c -C "$root" . | podman import -q "${LABEL_CHANGE[@]}" --change 'CMD ["sh"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --message "local stand-in for $tag, made from $BUSYBOX by supervisor4j's local-base-images.sh" - "$tag" >/dev/null
  echo "local-base-images: $tag from $BUSYBOX ($("$BUSYBOX" 2>&1 | head -n 1 | cut -d' ' -f1-2))"
}

[ $# -gt 0 ] || set -- temurin17=eclipse-temurin:17-jre temurin25=eclipse-temurin:25-jdk busybox=busybox:1.36
for spec in "$@"; do
  name=${spec%%=*} tag=${spec#*=}
  case $name in
    temurin17) jdk_image "$tag" "$JDK17" /etc/java-17-openjdk ;;
    temurin25) jdk_image "$tag" "$JDK25" ;;
    busybox) busybox_image "$tag" ;;
    *) die "unknown image $name (temurin17, temurin25 or busybox)" ;;
  esac
done
