#pragma once
/// Reading one member out of a zip or tar archive (any compression libarchive knows), so
/// datasets published inside archives are used as published, never unpacked to disk.

#include <string>

#include "harness/core/result.h"

namespace assay {

/// Splits "archive.zip#member/path.json" into its two parts; `member` is empty when `path`
/// names no member.
void split_archive_member(const std::string& path, std::string& archive, std::string& member);

/// The archive part of a dataset path ("a.zip#m.json" → "a.zip"; other paths unchanged).
std::string archive_path_of(const std::string& path);

/// Reads `member` from `archive` into memory; `password` decrypts an encrypted zip member
/// (traditional PKWARE or WinZip AES). kNotFound when the archive or the member is missing (the
/// message lists a few member names), kInvalidInput for a corrupt archive or a member that is
/// encrypted and no (or the wrong) password is given. Thread-safe (no shared state).
Result<std::string> read_archive_member(const std::string& archive, const std::string& member,
                                        const std::string& password = "");

}  // namespace assay
