#!/bin/sh
# Starts a sleeper in a session of its own (outside the step's process group), which records
# its pid in $1, then waits.
setsid /bin/sh -c 'echo "$$" > "$1"; exec sleep 100' sleeper "$1" &
while [ ! -s "$1" ]; do sleep 0.05; done
echo "sleeper started"
sleep 100
