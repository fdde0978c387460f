# Run by fake-pwsh.sh with /bin/sh: reports the step identity, then exits with $1 (default 0).
echo "step $JIM_STEP_INDEX ($JIM_STEP_ID) of execution $JIM_EXECUTION_ID in schedule $JIM_SCHEDULE_ID"
echo "a warning line" >&2
exit "${1:-0}"
