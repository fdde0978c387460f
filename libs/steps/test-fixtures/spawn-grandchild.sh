#!/bin/sh
# Starts a long-running grandchild, records its pid in $1, then waits.
sleep 100 &
echo "$!" > "$1"
echo "grandchild started"
sleep 100
