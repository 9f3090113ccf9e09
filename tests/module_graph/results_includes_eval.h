#pragma once
/// A deliberate violation of the module graph, never part of a build target that is built by
/// default: a header written as if it belonged to results/, which depends on harness/core only,
/// including a header of harness/eval/. The include check must name line 7, and a compile with
/// results/' include roots must fail (tests/CMakeLists.txt).
#include "results/sqlite_store.h"
#include "harness/eval/runner.h"
