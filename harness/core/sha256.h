#pragma once
/// SHA-256 digests (request keys, dataset checksums, spec hashes). Thread-safe.

#include <string>
#include <string_view>

#include "harness/core/result.h"

namespace assay {

/// Incremental SHA-256 for streaming large files.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  /// Feeds more bytes.
  void update(std::string_view bytes);
  /// Lower-case hex digest; the object must not be updated afterwards.
  std::string hex_digest();

 private:
  void* ctx_;
};

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

/// Lower-case hex SHA-256 of a file's contents; kNotFound/kIo naming the path on failure.
Result<std::string> sha256_file(const std::string& path);

}  // namespace assay
