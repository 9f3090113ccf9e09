#pragma once
/// The results database's schema as a list of migrations (docs/results.md). Step i (0-based)
/// takes a database from version i to i + 1 (`PRAGMA user_version`); the newest version is the
/// number of steps. Steps are only ever appended: a stored database migrates step by step.

#include <vector>

namespace assay {

/// The SQL of every migration step, oldest first. Thread-safe (immutable).
const std::vector<const char*>& sqlite_schema_steps();

}  // namespace assay
