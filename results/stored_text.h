#pragma once
/// Internal to results/: long texts stored compressed. A sample's input over kCompressAbove bytes
/// (a long-context prompt: AA-LCR's are ~400 kB) is stored as a zlib BLOB, not as TEXT; readers
/// tell them apart by the column's type. Pure functions; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

#include "harness/core/result.h"

namespace assay {

/// Texts at least this long are stored compressed.
inline constexpr size_t kCompressAbove = size_t{64} * 1024;

/// `text` compressed: its length as 8 little-endian bytes, then a zlib stream.
std::string compress_text(std::string_view text);

/// The text compress_text() packed; kIo when the bytes are not such a packing (a damaged
/// database).
Result<std::string> decompress_text(std::string_view packed);

}  // namespace assay
