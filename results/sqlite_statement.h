#pragma once
/// Internal to results/: the prepared-statement wrapper and the `runs` row reader shared by the
/// store and the merge. It includes sqlite3.h, so only results/*.cpp files include it.

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "harness/core/result.h"
#include "results/run_info.h"

namespace assay {

/// The connection behind SqliteStore's opaque handle.
inline sqlite3* raw(void* db) {
  return static_cast<sqlite3*>(db);
}

/// "'context_exceeded','missing_data'": the stored names of the kinds is_limit() accepts, for
/// SQL that counts failures (a limit is not one).
const std::string& limit_kinds_sql();

/// kIo "WHAT: <sqlite's message>".
Error db_error(sqlite3* db, const std::string& what);

/// A prepared statement that finalizes itself.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  void bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  /// Binds text without copying it: `v` must stay valid until the next step() or rewind().
  void bind_static(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  /// Binds bytes as a BLOB (copied).
  void bind_blob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, int v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  void bind_null(int i) { sqlite3_bind_null(stmt_, i); }
  /// Binds -1 (not reported) as NULL.
  void bind_count(int i, int64_t v) {
    if (v < 0) {
      bind_null(i);
    } else {
      bind(i, v);
    }
  }
  int step() { return sqlite3_step(stmt_); }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  /// Resets for another step keeping the bindings (for a statement whose every parameter is
  /// bound again before the next step).
  void rewind() { sqlite3_reset(stmt_); }
  std::string text(int col) const {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? std::string(reinterpret_cast<const char*>(t),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  /// The column's text without a copy; valid until the next step() or reset().
  std::string_view view(int col) const {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? std::string_view(reinterpret_cast<const char*>(t),
                                static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string_view();
  }
  int64_t i64(int col, int64_t if_null = 0) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL ? if_null
                                                          : sqlite3_column_int64(stmt_, col);
  }
  double f64(int col, double if_null = 0) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL ? if_null
                                                          : sqlite3_column_double(stmt_, col);
  }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  bool is_blob(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_BLOB; }
  /// The column's bytes (a BLOB, or text as stored).
  std::string blob(int col) const {
    const void* b = sqlite3_column_blob(stmt_, col);
    return b ? std::string(static_cast<const char*>(b),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

/// The `runs` columns read_run() expects, for "SELECT <kRunColumns> FROM runs ...".
extern const char* const kRunColumns;

/// The RunInfo of a row selected with kRunColumns.
RunInfo read_run(const Stmt& s);

}  // namespace assay
