// Sharded runs and `assay merge`: the real binary against the mock server over loopback, real
// SQLite files.

#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

ProcessResult run_shard(const MockServer& mock, const std::string& suite, const std::string& db,
                        const std::string& shard, std::vector<std::string> extra = {}) {
  std::vector<std::string> a = {assay_binary(), "run", "-m",   "openai:mock@" + mock.base_url(),
                                "-s",           suite, "--db", db,
                                "--repeats",    "2",   "-c",   "16"};
  if (!shard.empty()) {
    a.push_back("--shard");
    a.push_back(shard);
  }
  a.insert(a.end(), extra.begin(), extra.end());
  return run(a);
}

ProcessResult merge(const std::string& out, const std::vector<std::string>& inputs) {
  std::vector<std::string> a = {assay_binary(), "merge", "--out", out};
  a.insert(a.end(), inputs.begin(), inputs.end());
  return run(a);
}

/// Every stored (sample, epoch) of the run with its output, request key and scores, one line
/// each in key order: what "equal sample for sample" compares.
std::string sample_listing(const std::string& db, const std::string& run_id) {
  return sql_scalar(
      db,
      "SELECT group_concat(line, char(10)) FROM (SELECT s.sample_id || '#' || s.epoch || '|' || "
      "COALESCE(s.output,'') || '|' || s.request_key || '|' || s.input || '|' || s.target || "
      "'|' || (SELECT group_concat(metric || '=' || COALESCE(value,'-') || ':' || answer, ',') "
      "FROM (SELECT * FROM scores c WHERE c.run_id=s.run_id AND c.sample_id=s.sample_id AND "
      "c.epoch=s.epoch ORDER BY metric)) AS line FROM samples s WHERE s.run_id=" +
          run_id + " ORDER BY s.sample_id, s.epoch)");
}

// One line per call of a run: where it belongs, its role, key and answer.
std::string call_listing(const std::string& db, const std::string& run_id) {
  return sql_scalar(db,
                    "SELECT group_concat(line, '\n') FROM (SELECT c.sample_id || '#' || c.epoch "
                    "|| '.' || c.seq || '|' || c.role || '|' || c.request_key || '|' || "
                    "COALESCE(c.output,'') || '|' || c.attempts AS line FROM calls c WHERE "
                    "c.run_id=" +
                        run_id + " ORDER BY c.sample_id, c.epoch, c.seq)");
}

std::string dump(const std::string& db) {
  return sql_scalar(db,
                    "SELECT (SELECT group_concat(x, ';') FROM (SELECT id || name || identity "
                    "|| created_at || finished_at || status || status_message || n_planned "
                    "|| shard AS x FROM runs ORDER BY id))") +
         sample_listing(db, "1") + sample_listing(db, "2") +
         sql_scalar(db, "SELECT COUNT(*) || '/' || COUNT(DISTINCT request_key) FROM calls") +
         call_listing(db, "1") + call_listing(db, "2") +
         sql_scalar(db,
                    "SELECT group_concat(run_id || shard_index || source, ';') FROM "
                    "merged_shards");
}

}  // namespace

TEST_CASE("4 shards merged equal a single-process run sample for sample, idempotently",
          "[integration][shard]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 150);
  MockServer mock;
  std::vector<std::string> shards;
  int64_t total = 0;
  for (int i = 0; i < 4; ++i) {
    std::string db = dir.file("shard" + std::to_string(i) + ".db");
    ProcessResult r = run_shard(mock, suite, db, std::to_string(i) + "/4");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    int64_t n = std::stoll(sql_scalar(db, "SELECT COUNT(*) FROM samples"));
    // A stable hash split: every shard gets a share of the 300 (sample, epoch) pairs.
    REQUIRE(n > 30);
    REQUIRE(sql_scalar(db, "SELECT n_planned FROM runs") == std::to_string(n));
    total += n;
    shards.push_back(db);
  }
  REQUIRE(total == 300);
  std::string single = dir.file("single.db");
  REQUIRE(run_shard(mock, suite, single, "").exit_code == 0);

  std::string all = dir.file("all.db");
  ProcessResult m = merge(all, shards);
  INFO(m.err);
  REQUIRE(m.exit_code == 0);
  REQUIRE(m.out.find("shards 0,1,2,3 of 4): 300 of 300 samples, completed") != std::string::npos);
  REQUIRE(sql_scalar(all, "SELECT COUNT(*) FROM runs") == "1");
  REQUIRE(sql_scalar(all, "SELECT status || ' ' || n_planned || ' [' || shard || ']' FROM runs") ==
          "completed 300 []");
  // The merged run is the run a single process makes: same identity, same samples and scores.
  REQUIRE(sql_scalar(all, "SELECT identity FROM runs") ==
          sql_scalar(single, "SELECT identity FROM runs"));
  std::string merged_listing = sample_listing(all, "1");
  REQUIRE(merged_listing.find("q/149#1|") != std::string::npos);
  REQUIRE(sql_scalar(all, "SELECT COUNT(*) FROM samples") == "300");
  REQUIRE(merged_listing == sample_listing(single, "1"));
  // Every call travels with its sample: the merged run's calls are the single run's.
  REQUIRE(sql_scalar(all, "SELECT COUNT(*) FROM calls") == "300");
  REQUIRE(call_listing(all, "1") == call_listing(single, "1"));
  // The request-key index, built once after the copy into an empty output, is there.
  REQUIRE(sql_scalar(all,
                     "SELECT COUNT(*) FROM sqlite_master WHERE type='index' AND "
                     "name='calls_request_key' AND tbl_name='calls'") == "1");

  // Statistics over the merged run are the single run's.
  ProcessResult a = run({assay_binary(), "runs", "--db", all, "--json"});
  ProcessResult b = run({assay_binary(), "runs", "--db", single, "--json"});
  auto ja = parse_json(a.out);
  auto jb = parse_json(b.out);
  REQUIRE(ja);
  REQUIRE(jb);
  const JsonValue& ra = ja->items().at(0);
  const JsonValue& rb = jb->items().at(0);
  for (const char* field : {"score", "stderr", "ci_low", "ci_high", "n_samples", "n_scored"}) {
    REQUIRE(ra.find(field) != nullptr);
    REQUIRE(ra.find(field)->to_text() == rb.find(field)->to_text());
  }
  REQUIRE(ra.find("n_samples")->to_text() == "300");

  // Merging again, in another order, changes nothing.
  std::string before = dump(all);
  std::vector<std::string> reversed(shards.rbegin(), shards.rend());
  REQUIRE(merge(all, reversed).exit_code == 0);
  REQUIRE(merge(all, shards).exit_code == 0);
  REQUIRE(dump(all) == before);
}

TEST_CASE("10 shards (more than are merged in one pass) also equal the single-process run",
          "[integration][shard]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 60);
  MockServer mock;
  std::vector<std::string> shards;
  for (int i = 0; i < 10; ++i) {
    std::string db = dir.file("s" + std::to_string(i) + ".db");
    REQUIRE(run_shard(mock, suite, db, std::to_string(i) + "/10").exit_code == 0);
    shards.push_back(db);
  }
  std::string single = dir.file("single.db");
  REQUIRE(run_shard(mock, suite, single, "").exit_code == 0);
  std::string all = dir.file("all.db");
  ProcessResult m = merge(all, shards);
  INFO(m.err);
  REQUIRE(m.exit_code == 0);
  REQUIRE(m.out.find("120 of 120 samples, completed (merged 10 of 10 shards)") !=
          std::string::npos);
  REQUIRE(sample_listing(all, "1") == sample_listing(single, "1"));
  REQUIRE(sql_scalar(all, "SELECT COUNT(*) FROM calls") == "120");
  REQUIRE(call_listing(all, "1") == call_listing(single, "1"));
  std::string before = dump(all);
  REQUIRE(merge(all, shards).exit_code == 0);
  REQUIRE(dump(all) == before);
}

TEST_CASE("a partial merge is resumable: the unsharded command runs only the missing shard",
          "[integration][shard]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 100);
  MockServer mock;
  std::vector<std::string> shards;
  for (int i : {0, 1, 3}) {
    std::string db = dir.file("s" + std::to_string(i) + ".db");
    REQUIRE(run_shard(mock, suite, db, std::to_string(i) + "/4").exit_code == 0);
    shards.push_back(db);
  }
  std::string stored_before = dir.file("s2.db");
  std::string all = dir.file("all.db");
  ProcessResult m = merge(all, shards);
  REQUIRE(m.exit_code == 0);
  REQUIRE(m.out.find("interrupted (merged 3 of 4 shards; missing 2/4") != std::string::npos);
  int64_t held = std::stoll(sql_scalar(all, "SELECT COUNT(*) FROM samples"));
  REQUIRE(sql_scalar(all, "SELECT status FROM runs") == "interrupted");

  int64_t requests_before = mock.counter("requests_total");
  ProcessResult r = run_shard(mock, suite, all, "");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.err.find("resuming run 1") != std::string::npos);
  // Only shard 2's pairs were sent (the +1 is the counter request itself).
  int64_t sent = mock.counter("requests_total") - requests_before - 1;
  REQUIRE(sent == 200 - held);
  REQUIRE(sql_scalar(all, "SELECT status || ' ' || n_planned FROM runs") == "completed 200");
  REQUIRE(sql_scalar(all, "SELECT COUNT(*) FROM samples") == "200");
}

TEST_CASE("merge refuses shards of different evaluations and bad inputs, writing nothing",
          "[integration][shard][errors]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 40);
  MockServer mock;
  std::string a = dir.file("a.db");
  std::string b = dir.file("b.db");
  std::string c = dir.file("c.db");
  REQUIRE(run_shard(mock, suite, a, "0/2").exit_code == 0);
  REQUIRE(run_shard(mock, suite, b, "1/2", {"--seed", "7"}).exit_code == 0);
  REQUIRE(run_shard(mock, suite, c, "1/3").exit_code == 0);
  std::string out = dir.file("out.db");

  ProcessResult seed = merge(out, {a, b});
  REQUIRE(seed.exit_code == 2);
  REQUIRE(seed.err.find("differ in --seed ('0' vs '7')") != std::string::npos);
  REQUIRE(seed.err.find(a) != std::string::npos);
  REQUIRE(seed.err.find(b) != std::string::npos);
  ProcessResult count = merge(out, {a, c});
  REQUIRE(count.exit_code == 2);
  REQUIRE(count.err.find("differ in shard count ('2' vs '3')") != std::string::npos);
  REQUIRE_FALSE(std::filesystem::exists(out));

  ProcessResult missing = merge(out, {a, dir.file("nope.db")});
  REQUIRE(missing.exit_code == 2);
  REQUIRE(missing.err.find("input database '" + dir.file("nope.db") + "' not found") !=
          std::string::npos);
  ProcessResult self = merge(a, {a});
  REQUIRE(self.exit_code == 2);
  REQUIRE(self.err.find("is the output database") != std::string::npos);
  write_file(dir.file("junk.db"), "this is not sqlite\n");
  ProcessResult junk = merge(out, {dir.file("junk.db")});
  REQUIRE(junk.exit_code == 2);
  REQUIRE(junk.err.find("junk.db") != std::string::npos);
  REQUIRE_FALSE(std::filesystem::exists(out));
  REQUIRE(run({assay_binary(), "merge", "--out", out}).exit_code == 2);

  // A merged database already holding shards of 2 refuses shards of 3 of the same evaluation.
  std::string b2 = dir.file("b2.db");
  REQUIRE(run_shard(mock, suite, b2, "1/2").exit_code == 0);
  REQUIRE(merge(out, {a, b2}).exit_code == 0);
  ProcessResult mixed = merge(out, {c});
  REQUIRE(mixed.exit_code == 2);
  REQUIRE(mixed.err.find("already holds shards of 2") != std::string::npos);
}
