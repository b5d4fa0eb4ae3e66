#!/bin/sh
# Portal Agent 1.0.0 (demo build) for Linux.
# The reference portal serves this file itself so that its download entry and
# SHA-256 checksum are real. A production portal offers its own agent builds.
echo "Portal Agent 1.0.0 (demo build) for Linux: nothing is installed by this demo."
