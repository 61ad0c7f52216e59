#!/bin/sh
# Containers have no init system: package scripts must not try to start services during a build.
exit 101
