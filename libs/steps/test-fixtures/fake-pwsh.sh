#!/bin/sh
# Stands in for pwsh: checks the switches the executor passes, echoes the script's
# arguments, then runs the "script" (a POSIX shell file) with them.
if [ "$1" != "-NoProfile" ] || [ "$2" != "-NonInteractive" ] || [ "$3" != "-File" ]; then
  echo "unexpected switches: $*" >&2
  exit 64
fi
script="$4"
shift 4
echo "script=[$script]"
for arg in "$@"; do
  echo "arg=[$arg]"
done
exec /bin/sh "$script" "$@"
