#include "suites/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <memory>
#include <vector>

namespace assay {

void split_archive_member(const std::string& path, std::string& archive, std::string& member) {
  size_t hash = path.find('#');
  if (hash == std::string::npos) {
    archive = path;
    member.clear();
    return;
  }
  archive = path.substr(0, hash);
  member = path.substr(hash + 1);
}

std::string archive_path_of(const std::string& path) {
  std::string archive;
  std::string member;
  split_archive_member(path, archive, member);
  return archive;
}

Result<std::string> read_archive_member(const std::string& archive, const std::string& member,
                                        const std::string& password) {
  if (!std::filesystem::exists(archive)) {
    return make_error(ErrorKind::kNotFound, archive + ": archive not found");
  }
  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_read_new(),
                                                              archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_zip(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  if (!password.empty()) archive_read_add_passphrase(a.get(), password.c_str());
  if (archive_read_open_filename(a.get(), archive.c_str(), 1 << 16) != ARCHIVE_OK) {
    return make_error(ErrorKind::kInvalidInput,
                      archive + ": not a readable archive: " + archive_error_string(a.get()));
  }
  std::vector<std::string> seen;
  archive_entry* entry = nullptr;
  while (true) {
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return make_error(ErrorKind::kInvalidInput,
                        archive + ": corrupt archive: " + archive_error_string(a.get()));
    }
    const char* name = archive_entry_pathname(entry);
    std::string entry_name = name ? name : "";
    if (entry_name != member) {
      if (seen.size() < 5) seen.push_back(entry_name);
      continue;
    }
    std::string out;
    if (archive_entry_size_is_set(entry)) {
      out.reserve(static_cast<size_t>(archive_entry_size(entry)));
    }
    char buf[1 << 16];
    la_ssize_t n = 0;
    while ((n = archive_read_data(a.get(), buf, sizeof buf)) > 0) {
      out.append(buf, static_cast<size_t>(n));
    }
    if (n < 0) {
      const bool encrypted = archive_entry_is_encrypted(entry) != 0;
      return make_error(ErrorKind::kInvalidInput,
                        archive + "#" + member +
                            (encrypted ? (password.empty() ? ": the member is encrypted and no "
                                                             "password is given: "
                                                           : ": the password does not decrypt "
                                                             "the member: ")
                                       : ": corrupt member: ") +
                            archive_error_string(a.get()));
    }
    return out;
  }
  std::string listed;
  for (const auto& s : seen) listed += (listed.empty() ? "" : ", ") + s;
  return make_error(ErrorKind::kNotFound,
                    archive + ": no member '" + member + "'" +
                        (listed.empty() ? "" : " (members include " + listed + ")"));
}

}  // namespace assay
