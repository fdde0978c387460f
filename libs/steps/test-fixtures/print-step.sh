#!/bin/sh
# Prints the working directory, the step's environment and each argument on its own line.
echo "cwd=$(pwd)"
echo "JIM_SCHEDULE_ID=$JIM_SCHEDULE_ID"
echo "JIM_EXECUTION_ID=$JIM_EXECUTION_ID"
echo "JIM_STEP_INDEX=$JIM_STEP_INDEX"
echo "JIM_STEP_ID=$JIM_STEP_ID"
for arg in "$@"; do
  echo "arg=[$arg]"
done
echo "to stderr" >&2
exit "${EXIT_CODE:-0}"
