#include "suites/data_fetch.h"

#include <curl/curl.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "harness/core/sha256.h"
#include "suites/archive_reader.h"
#include "suites/suite.h"

namespace assay {

const char* data_state_name(DataState state) {
  switch (state) {
    case DataState::kOk:
      return "ok";
    case DataState::kMissing:
      return "missing";
    case DataState::kMismatch:
      return "mismatch";
    case DataState::kUnpinned:
      return "unpinned";
  }
  return "?";
}

std::string recorded_sha256(const std::string& path) {
  std::FILE* f = std::fopen((path + ".sha256").c_str(), "rb");
  if (f == nullptr) return "";
  char buf[65] = {};
  size_t n = std::fread(buf, 1, 64, f);
  std::fclose(f);
  std::string digest(buf, n);
  bool hex = n == 64 && digest.find_first_not_of("0123456789abcdef") == std::string::npos;
  // A damaged record reads as a digest nothing matches, so the file is reported, not trusted.
  return hex ? digest : "invalid record in " + path + ".sha256";
}

namespace {

std::string label(const SuiteSpec& spec, const DatasetFileSpec& f) {
  return "suite '" + spec.name + "', file '" + archive_path_of(f.path) + "'";
}

// Where the suite reads `f`: as resolve_dataset_files() does, relative to a user suite's own
// directory, or to the data directory for built-ins.
std::string local_path(const SuiteSpec& spec, const std::string& data_dir,
                       const DatasetFileSpec& f) {
  const std::string& base = spec.base_dir.empty() ? data_dir : spec.base_dir;
  return (std::filesystem::path(base) / archive_path_of(f.path)).string();
}

DataFileStatus status_of(const DatasetFileSpec& f, const std::string& path) {
  DataFileStatus st;
  st.path = path;
  st.url = f.url;
  st.expected = f.sha256;
  if (st.expected.empty()) {
    st.expected = recorded_sha256(path);
    st.pinned_at_download = !st.expected.empty();
  }
  if (!std::filesystem::exists(path)) {
    st.state = DataState::kMissing;
    return st;
  }
  Result<std::string> digest = sha256_file(path);
  st.actual = digest ? *digest : "";
  if (st.expected.empty()) {
    st.state = DataState::kUnpinned;
  } else {
    st.state = st.actual == st.expected ? DataState::kOk : DataState::kMismatch;
  }
  return st;
}

size_t write_to_file(char* data, size_t size, size_t n, void* user) {
  return std::fwrite(data, size, n, static_cast<std::FILE*>(user)) * size;
}

// Fetches `url` into `dest` (created or truncated). HTTP errors and short bodies fail.
Status download(const std::string& url, const std::string& dest, const FetchOptions& options,
                const std::string& what) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(dest.c_str(), "wb"), std::fclose);
  if (!out) return make_error(ErrorKind::kIo, what + ": cannot write '" + dest + "'");
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return make_error(ErrorKind::kInternal, "curl_easy_init failed");
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, options.total_timeout_ms);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, write_to_file);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, out.get());
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "assay-data-pull");
  CURLcode rc = curl_easy_perform(curl.get());
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (std::fflush(out.get()) != 0) {
    return make_error(ErrorKind::kIo, what + ": writing '" + dest + "' failed");
  }
  if (rc == CURLE_PARTIAL_FILE) {
    return make_error(ErrorKind::kInvalidInput,
                      what + ": the download from " + url +
                          " ended early (truncated body: fewer bytes than Content-Length)");
  }
  if (rc != CURLE_OK) {
    return make_error(ErrorKind::kIo, what + ": downloading " + url + " failed: " +
                                          (errbuf[0] ? errbuf : curl_easy_strerror(rc)));
  }
  if (status >= 400) {
    return make_error(status == 404 ? ErrorKind::kNotFound : ErrorKind::kIo,
                      what + ": " + url + " answered HTTP " + std::to_string(status));
  }
  return Status::ok();
}

// Downloads the archive `f.url` names, checks it against `f.url_sha256`, and writes the member
// the URL names (decrypted with `f.url_password`) to `part`. The archive is deleted either way.
Status download_member(const DatasetFileSpec& f, const std::string& part,
                       const FetchOptions& options, const std::string& what) {
  std::string url;
  std::string member;
  split_archive_member(f.url, url, member);
  const std::string archive = part + ".archive";
  struct Cleanup {
    std::string path;
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
    }
  } cleanup{archive};
  if (Status st = download(url, archive, options, what); !st) return st;
  Result<std::string> digest = sha256_file(archive);
  if (!digest) return digest.error();
  if (!f.url_sha256.empty() && *digest != f.url_sha256) {
    return make_error(ErrorKind::kInvalidInput, what + ": checksum mismatch for " + url +
                                                    ": expected sha256 " + f.url_sha256 + ", got " +
                                                    *digest + "; the download was discarded");
  }
  Result<std::string> text = read_archive_member(archive, member, f.url_password);
  if (!text) {
    return make_error(text.error().kind, what + ": " + url + ": " + text.error().message);
  }
  std::FILE* out = std::fopen(part.c_str(), "wb");
  bool written = out != nullptr && std::fwrite(text->data(), 1, text->size(), out) == text->size();
  if (out != nullptr) written = std::fclose(out) == 0 && written;
  if (!written) return make_error(ErrorKind::kIo, what + ": cannot write '" + part + "'");
  return Status::ok();
}

}  // namespace

std::vector<DataFileStatus> dataset_status(const SuiteSpec& spec, const std::string& data_dir) {
  std::vector<DataFileStatus> out;
  for (const auto& f : spec.files) {
    if (f.path.find('*') != std::string::npos) {
      SuiteSpec one = spec;
      one.files = {f};
      Result<std::vector<std::string>> matches = resolve_dataset_files(one, data_dir);
      if (!matches) {
        out.push_back(
            {local_path(spec, data_dir, f), f.url, f.sha256, false, "", DataState::kMissing});
        continue;
      }
      for (const auto& m : *matches) out.push_back(status_of({m, "", "", "", ""}, m));
      continue;
    }
    out.push_back(status_of(f, local_path(spec, data_dir, f)));
  }
  return out;
}

Result<std::vector<DataFileStatus>> pull_dataset(const SuiteSpec& spec, const std::string& data_dir,
                                                 const FetchOptions& options) {
  static const bool kCurlReady = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!kCurlReady) return make_error(ErrorKind::kInternal, "curl_global_init failed");
  std::vector<DataFileStatus> out;
  for (const auto& f : spec.files) {
    std::string what = label(spec, f);
    std::string dest = local_path(spec, data_dir, f);
    DataFileStatus now = status_of(f, dest);
    if (now.state == DataState::kOk && !options.force) {
      out.push_back(now);
      continue;
    }
    if (f.url.empty() || f.path.find('*') != std::string::npos) {
      return make_error(ErrorKind::kNotFound,
                        what + ": no canonical download URL is known" +
                            (f.sha256.empty() ? "" : " (expected sha256 " + f.sha256 + ")") +
                            "; place a copy there yourself or pass --data-dir");
    }
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(dest).parent_path(), ec);
    if (ec) {
      return make_error(ErrorKind::kIo,
                        what + ": cannot create the directory for '" + dest + "': " + ec.message());
    }
    std::string part = dest + ".part";
    Status st = f.url.find('#') == std::string::npos ? download(f.url, part, options, what)
                                                     : download_member(f, part, options, what);
    if (!st) {
      std::filesystem::remove(part, ec);
      Error e = st.error();
      if (!f.sha256.empty()) e.message += " (expected sha256 " + f.sha256 + ")";
      return e;
    }
    Result<std::string> digest = sha256_file(part);
    if (!digest) return digest.error();
    if (!now.expected.empty() && *digest != now.expected) {
      std::filesystem::remove(part, ec);
      return make_error(ErrorKind::kInvalidInput,
                        what + ": checksum mismatch for " + f.url + ": expected sha256 " +
                            now.expected +
                            (now.pinned_at_download ? " (recorded at the first download)" : "") +
                            ", got " + *digest + "; the download was discarded");
    }
    if (now.expected.empty()) {
      // Nothing pins this file: record what was downloaded so later copies must match it.
      std::FILE* rec = std::fopen((dest + ".sha256").c_str(), "wb");
      bool written =
          rec != nullptr && std::fwrite(digest->data(), 1, digest->size(), rec) == digest->size();
      if (rec != nullptr) written = std::fclose(rec) == 0 && written;
      if (!written) {
        std::filesystem::remove(part, ec);
        return make_error(ErrorKind::kIo,
                          what + ": cannot record the download's sha256 in '" + dest + ".sha256'");
      }
    }
    std::filesystem::rename(part, dest, ec);
    if (ec) {
      return make_error(ErrorKind::kIo,
                        what + ": cannot move the download into '" + dest + "': " + ec.message());
    }
    DataFileStatus done = status_of(f, dest);
    out.push_back(done);
  }
  return out;
}

}  // namespace assay
