#pragma once
/// Dataset acquisition (`assay data`): downloading a suite's files from their canonical URLs into
/// a data directory laid out like ../shared/data, verifying sha256, and checking local copies.
/// A download is written to "FILE.part" and renamed only after its checksum matches, so a
/// failed or interrupted pull never leaves a file that looks valid.

#include <string>
#include <vector>

#include "harness/core/result.h"
#include "suites/suite_spec.h"

namespace assay {

/// What is known about one local dataset file.
enum class DataState {
  kOk,        ///< present and matching its pinned sha256
  kMissing,   ///< not there
  kMismatch,  ///< present, different sha256
  kUnpinned,  ///< present, no pinned sha256 to verify against
};

/// "ok", "missing", "mismatch", "unpinned" (tables and JSON).
const char* data_state_name(DataState state);

/// The state of one dataset file of a suite.
struct DataFileStatus {
  std::string path;      ///< where it is (or would be) in the data directory (archive part)
  std::string url;       ///< where `pull` fetches it ("" = no canonical URL known)
  std::string expected;  ///< pinned sha256 ("" = not pinned)
  /// `expected` was recorded when assay first downloaded the file (the suite pins none):
  /// later copies are verified against it, but nothing vouches for that first download.
  bool pinned_at_download = false;
  std::string actual;  ///< sha256 of the local file ("" when absent)
  DataState state = DataState::kMissing;
};

/// The sha256 recorded next to `path` ("PATH.sha256") when assay downloaded a file whose suite
/// pins none, or "" when there is none. Later reads verify the file against it.
std::string recorded_sha256(const std::string& path);

/// Status of every file `spec` needs under `data_dir` (globs are resolved against the directory
/// and reported "missing" when nothing matches). Reads and hashes the files that exist.
std::vector<DataFileStatus> dataset_status(const SuiteSpec& spec, const std::string& data_dir);

/// Download knobs.
struct FetchOptions {
  long connect_timeout_ms = 10'000;
  long total_timeout_ms = 600'000;
  bool force = false;  ///< download even when a verified copy is present
};

/// Downloads whatever `spec` needs that is missing or fails its checksum. A file whose suite pins
/// no sha256 gets its digest recorded at download (recorded_sha256) and verified from then on.
/// Returns the status of every file after the pull. Errors (kIo for the network, kInvalidInput for
/// a checksum mismatch or a truncated body, kNotFound for a 404 or no URL) name the suite, the
/// file, the URL and the expected sha256; files fetched before the error stay in place.
Result<std::vector<DataFileStatus>> pull_dataset(const SuiteSpec& spec, const std::string& data_dir,
                                                 const FetchOptions& options);

}  // namespace assay
