#pragma once
/// A deliberate violation of the module graph, never part of a build target built by default: a
/// header written as if it belonged to results/ (which depends on harness/core only) including a
/// header of harness/eval/ that exists in the source tree. The include check must name line 8,
/// and a compile with results/' include roots must fail (tests/CMakeLists.txt).
#include "results/sqlite_store.h"

#include "harness/eval/pipeline.h"
