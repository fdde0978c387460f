#!/bin/sh
# Ignores SIGTERM so only the SIGKILL after the grace period can stop it; records its pid in $1.
trap '' TERM
echo "$$" > "$1"
echo "ignoring SIGTERM"
while :; do
  sleep 0.05
done
