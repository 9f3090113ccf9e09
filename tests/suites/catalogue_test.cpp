// The built-in catalogue: golden first prompts against an independent rendering of each
// reference template, Python-compatible option shuffles, subsets, archive members, key-selected
// rows, baseline adapters, indexes, and `assay data pull` against a loopback HTTP server.

#include <catch2/catch.hpp>

#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <memory>
#include <thread>

#include "adapters/baseline_adapters.h"
#include "harness/core/model_spec.h"
#include "harness/core/sha256.h"
#include "reports/index_report.h"
#include "suites/builtin.h"
#include "suites/data_fetch.h"
#include "suites/index_definition.h"
#include "suites/python_random.h"
#include "suites/suite.h"
#include "tests/mock_server/event_server.h"
#include "tests/support/test_support.h"

using namespace assay;
using assay::testing::call_for;
using assay::testing::TempDir;

namespace {

// An HTTP server on loopback answering with `handler` on its own thread until destroyed (the
// downloads of `assay data pull`).
class ServedOnLoopback {
 public:
  explicit ServedOnLoopback(mock::EventServer::Handler handler)
      : server_("127.0.0.1", 0, std::move(handler)), thread_([this] { server_.run(); }) {}
  ~ServedOnLoopback() {
    server_.stop();
    thread_.join();
  }
  ServedOnLoopback(const ServedOnLoopback&) = delete;
  ServedOnLoopback& operator=(const ServedOnLoopback&) = delete;
  int port() const { return server_.port(); }

 private:
  mock::EventServer server_;
  std::thread thread_;
};

}  // namespace
using assay::testing::write_file;

namespace {

const char kMcq4Header[] =
    "Answer the following multiple choice question. The last line of your response should be "
    "in the following format: 'Answer: A/B/C/D' (e.g. 'Answer: A').\n\n";

std::unique_ptr<ModelAdapter> baseline(const std::string& spec) {
  auto parsed = parse_model_spec(spec);
  REQUIRE(parsed);
  auto a =
      parsed->provider == "oracle" ? make_oracle_adapter(*parsed) : make_random_adapter(*parsed);
  REQUIRE(a);
  return std::move(a).value();
}

const char kGpqaCsv[] =
    "Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3\n"
    "Q0,right0,w01,w02,w03\n"
    "Q1,right1,w11,w12,w13\n"
    "Q2,right2,w21,w22,w23\n";

}  // namespace

TEST_CASE("PythonRandom reproduces CPython's random.Random", "[catalogue][shuffle]") {
  // Values printed by CPython 3: random.Random(0).sample(range(4), 4) six times, etc.
  PythonRandom r0(0);
  const std::vector<std::vector<int>> want = {{3, 1, 0, 2}, {3, 1, 2, 0}, {2, 3, 0, 1},
                                              {2, 0, 3, 1}, {1, 3, 0, 2}, {2, 1, 0, 3}};
  for (const auto& w : want) CHECK(r0.permutation(4) == w);
  PythonRandom r1(12345);
  CHECK(r1.getrandbits(32) == 1789368711U);
  CHECK(r1.getrandbits(32) == 3146859322U);
  CHECK(r1.getrandbits(32) == 43676229U);
  PythonRandom r2((1ULL << 40) + 7);
  CHECK(r2.permutation(10) == std::vector<int>{9, 7, 4, 8, 1, 6, 3, 2, 5, 0});
  CHECK(r2.permutation(10) == std::vector<int>{7, 9, 5, 1, 3, 4, 6, 0, 2, 8});
}

TEST_CASE("gpqa-diamond shuffles options per repeat exactly as simple-evals does",
          "[catalogue][shuffle]") {
  TempDir dir;
  std::filesystem::create_directories(dir.file("gpqa"));
  write_file(dir.file("gpqa/gpqa_diamond.csv"), kGpqaCsv);
  auto builtin = find_builtin_suite("gpqa-diamond");
  REQUIRE(builtin);
  CHECK(builtin->repeats == 5);
  REQUIRE(builtin->files.size() == 1);
  CHECK(builtin->files[0].sha256 ==
        "41d1213cd7a4998605a26c2798500652572007161b3a92817ba46b35befcd305");
  // The three-row stand-in cannot match the pinned checksum of the real file.
  SuiteSpec unpinned = *builtin;
  unpinned.files[0].sha256.clear();
  const SuiteSpec* spec = &unpinned;
  auto suite = load_suite(*spec, dir.path(), std::nullopt, 2);
  REQUIRE(suite);
  REQUIRE(suite->samples.size() == 3);
  // Draw order is all rows of repeat 0, then repeat 1: permutations 0-2 then 3-5 above.
  struct Want {
    size_t row;
    int epoch;
    std::vector<std::string> choices;
    const char* target;
  };
  const Want wants[] = {
      {0, 0, {"w03", "w01", "right0", "w02"}, "C"}, {1, 0, {"w13", "w11", "w12", "right1"}, "D"},
      {2, 0, {"w22", "w23", "right2", "w21"}, "C"}, {0, 1, {"w02", "right0", "w03", "w01"}, "B"},
      {1, 1, {"w11", "w13", "right1", "w12"}, "C"}, {2, 1, {"w22", "w21", "right2", "w23"}, "C"},
  };
  for (const Want& w : wants) {
    INFO("row " << w.row << " epoch " << w.epoch);
    const Sample& s = suite->samples[w.row].for_epoch(w.epoch);
    CHECK(s.id == "gpqa-diamond/" + std::to_string(w.row));
    CHECK(s.choices == w.choices);
    CHECK(s.target == w.target);
    std::string block;
    for (size_t c = 0; c < w.choices.size(); ++c) {
      block += std::string(c ? "\n" : "") + static_cast<char>('A' + c) + ") " + w.choices[c];
    }
    CHECK(s.messages[0].text() ==
          kMcq4Header + std::string("Q") + std::to_string(w.row) + "\n\n" + block);
  }
  // The sample itself is epoch 0's view; --limit keeps the full run's permutations.
  CHECK(suite->samples[1].target == "D");
  auto limited = load_suite(*spec, dir.path(), 1, 2);
  REQUIRE(limited);
  REQUIRE(limited->samples.size() == 1);
  CHECK(limited->samples[0].for_epoch(1).choices == wants[3].choices);
  // The oracle answers every view correctly; the answer follows the shuffled letter.
  auto oracle = baseline("oracle:oracle");
  auto c = oracle->complete_local(call_for(suite->samples[0].for_epoch(1), 1));
  REQUIRE(c);
  CHECK(c->text == "Answer: B");
}

TEST_CASE("shuffle, subset and key-selection spec errors name the suite file and field",
          "[catalogue][errors]") {
  const std::string head =
      "name = \"t\"\n[dataset]\nfiles = [\"x.jsonl\"]\n[scoring]\n"
      "scorers = [\"choice\"]\n";
  auto bad = [&](const std::string& sample, const std::string& extra = "") {
    auto r =
        parse_suite_spec(head + extra + "[sample]\nprompt = \"{q}\"\ntarget = \"A\"\n" + sample,
                         "my_suite.toml", ".", false);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("my_suite.toml") != std::string::npos);
    return r.error().message;
  };
  CHECK(bad("shuffle_choices = true\nchoices_field = \"o\"\n").find("shuffle_choices") !=
        std::string::npos);
  CHECK(bad("subset_field = \"subject\"\n").find("subset_field 'subject'") != std::string::npos);
  CHECK(bad("choices = [\"a\"]\nchoice_texts = [\"x\"]\n").find("only one of") !=
        std::string::npos);
  CHECK(bad("shuffle_seed = \"zero\"\n").find("shuffle_seed") != std::string::npos);
  auto keys = parse_suite_spec(
      "name = \"t\"\n[dataset]\nfiles = [\"x.json\"]\nkeep_keys_in = \"y.json\"\n[sample]\n"
      "prompt = \"{q}\"\ntarget = \"A\"\n[scoring]\nscorers = [\"choice\"]\n",
      "my_suite.toml", ".", false);
  REQUIRE_FALSE(keys);
  CHECK(keys.error().message.find("keep_keys_in 'y.json' must be one of the 'files'") !=
        std::string::npos);
  auto sha = parse_suite_spec(head + "[sample]\nprompt = \"{q}\"\ntarget = \"A\"\n",
                              "my_suite.toml", ".", false);
  REQUIRE(sha);
}

TEST_CASE("keep_keys_in selects and orders rows, and a label outside map: is a data error",
          "[catalogue][dataset]") {
  TempDir dir;
  write_file(dir.file("rows.json"),
             R"({"11": {"Q": "q11", "C": ["a", "b"]}, "22": {"Q": "q22", "C": ["c"]},
                 "33": {"Q": "q33", "C": []}})");
  write_file(dir.file("keys.json"), R"({"33": "no", "11": "yes"})");
  const std::string spec_text =
      "name = \"keys\"\n[dataset]\nfiles = [\"rows.json\", \"keys.json\"]\n"
      "keep_keys_in = \"keys.json\"\n[sample]\nid = \"k/{_key}\"\n"
      "prompt = \"{Q}: {C|join:/}\"\nchoice_texts = [\"yes\", \"no\", \"maybe\"]\n"
      "target = \"{_key_value|map:yes=A,no=B,maybe=C}\"\n[scoring]\nscorers = [\"choice\"]\n";
  write_file(dir.file("keys.toml"), spec_text);
  auto spec = load_suite_spec_file(dir.file("keys.toml"));
  REQUIRE(spec);
  auto suite = load_suite(*spec, "", std::nullopt);
  REQUIRE(suite);
  REQUIRE(suite->samples.size() == 2);
  CHECK(suite->samples[0].id == "k/33");
  CHECK(suite->samples[0].target == "B");
  CHECK(suite->samples[0].messages[0].text() == "q33: ");
  CHECK(suite->samples[1].id == "k/11");
  CHECK(suite->samples[1].messages[0].text() == "q11: a/b");
  CHECK(suite->samples[1].choices == std::vector<std::string>{"yes", "no", "maybe"});

  write_file(dir.file("keys.json"), R"({"11": "perhaps"})");
  auto bad_label = load_suite(*spec, "", std::nullopt);
  REQUIRE_FALSE(bad_label);
  CHECK(bad_label.error().message.find("'perhaps' is not one of map:yes=A,no=B,maybe=C") !=
        std::string::npos);
  CHECK(bad_label.error().message.find("keys.toml") != std::string::npos);

  write_file(dir.file("keys.json"), R"({"44": "yes"})");
  auto bad_key = load_suite(*spec, "", std::nullopt);
  REQUIRE_FALSE(bad_key);
  CHECK(bad_key.error().message.find("key '44'") != std::string::npos);
}

TEST_CASE("built-in catalogue suites load the manifest's record counts and pin their first prompt",
          "[catalogue][builtin][shared-data]") {
  if (!assay::testing::shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  // The sha256 of each first prompt comes from an independent rendering of the reference
  // template (protocols.md §1.3 text, the suite's documented prompt) over the raw record.
  struct Golden {
    const char* suite;
    size_t records;
    const char* id;
    const char* target;
    const char* prompt_sha256;
    const char* prefix;
    int repeats;
  };
  const char* mcq10 =
      "Answer the following multiple choice question. The last line of your response should be "
      "in the following format: 'Answer: A/B/C/D/E/F/G/H/I/J' (e.g. 'Answer: A').\n\n";
  const Golden goldens[] = {
      {"mmlu-clinical", 1089, "mmlu/anatomy/0", "A",
       "8c220cb46084c781b98023d33d6e2aac62948de3b0724661cb450a7721783523", kMcq4Header, 1},
      {"mmlu-stem", 3018, "mmlu/abstract_algebra/0", "B", nullptr, kMcq4Header, 1},
      {"mmlu-pro", 12032, "mmlu-pro/1986", "E",
       "306dcd2958b1a03a4e0a8b0d3ce77f0471f30528f259cd915dabab872ddc756f", mcq10, 1},
      {"medqa", 1273, "medqa/0", "B",
       "950e692c828333517978d1ce8366b93102cf7ca6f7ebabadc97dea82722176da", kMcq4Header, 1},
      {"medmcqa", 2816, "medmcqa/b64a9cd7-d076-4c55-8be1-f9c44fece6cc", "C",
       "e3a5f5ee4517c5e08772eab78a7e108a912677c6494f21b6cb286008a70f2efc", kMcq4Header, 1},
      {"pubmedqa", 500, "pubmedqa/12377809", "A",
       "6c9c5da6aa812ca2b59328a5ba6bcff191c9e9fa57de98a66b7b914732f93043",
       "Answer the following multiple choice question about the research abstract below. The "
       "last line of your response should be in the following format: 'Answer: A/B/C' (e.g. "
       "'Answer: A').\n\nAbstract:\n",
       1},
      {"humaneval", 164, "HumanEval/0", nullptr,
       "64552455948f71cd884942ed74f6d26289faafb1753a25c4b5e479b6da0b7fac",
       "Read the following function signature and docstring, and fully implement the function "
       "described. Your response should only contain the code for this function.\nfrom typing "
       "import List\n",
       1},
      {"mbpp-plus", 399, "Mbpp/2", nullptr,
       "7358b381eadfb23005a291853b93eadf2a92d952fa329121208780f57c696132",
       "Please provide a self-contained Python script that solves the following problem in a "
       "markdown code block:\n```\n'''\nWrite a function to find the shared elements",
       1},
  };
  for (const Golden& g : goldens) {
    INFO(g.suite);
    auto spec = find_builtin_suite(g.suite);
    REQUIRE(spec);
    CHECK(spec->repeats == g.repeats);
    CHECK(spec->expected_records == static_cast<int64_t>(g.records));
    auto suite = load_suite(*spec, assay::testing::shared_data_dir(), std::nullopt);
    if (!suite) FAIL(suite.error().message);
    CHECK(suite->warnings.empty());
    REQUIRE(suite->samples.size() == g.records);
    const Sample& first = suite->samples[0];
    CHECK(first.id == g.id);
    if (g.target != nullptr) CHECK(first.target == g.target);
    const std::string& prompt = first.messages.at(0).text();
    CHECK(prompt.rfind(g.prefix, 0) == 0);
    if (g.prompt_sha256 != nullptr) CHECK(sha256_hex(prompt) == g.prompt_sha256);
    CHECK_FALSE(first.answer_format.empty());
  }
}

TEST_CASE("NAME:VALUE selects one subset, and unknown values suggest the nearest",
          "[catalogue][subset][shared-data]") {
  if (!assay::testing::shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  auto spec = resolve_suite("mmlu:anatomy");
  REQUIRE(spec);
  CHECK(spec->name == "mmlu:anatomy");
  auto suite = load_suite(*spec, assay::testing::shared_data_dir(), std::nullopt);
  REQUIRE(suite);
  REQUIRE(suite->samples.size() == 135);
  for (const auto& s : suite->samples) {
    CHECK(s.metadata.find("subject")->as_string() == "anatomy");
  }
  auto pro = resolve_suite("mmlu-pro:biology");
  REQUIRE(pro);
  auto bio = load_suite(*pro, assay::testing::shared_data_dir(), 5);
  REQUIRE(bio);
  CHECK(bio->samples.size() == 5);
  auto typo =
      load_suite(*resolve_suite("mmlu:anatomyy"), assay::testing::shared_data_dir(), std::nullopt);
  REQUIRE_FALSE(typo);
  CHECK(typo.error().message.find("did you mean 'anatomy'") != std::string::npos);
  auto none = resolve_suite("gsm8k:x");
  REQUIRE_FALSE(none);
  CHECK(none.error().message.find("has no subsets") != std::string::npos);
}

TEST_CASE("archive members are read in place, and a missing member lists what is there",
          "[catalogue][dataset][shared-data]") {
  if (!assay::testing::shared_data_present()) {
    WARN("skipped: ../shared/data is absent");
    return;
  }
  std::string zip = assay::testing::shared_data_dir() +
                    "/model_outputs/mmlu_pro/model_outputs_Mistral-7B-Instruct-v0.2_5shots.zip";
  auto text = read_file_maybe_gz(zip + "#model_outputs_Mistral-7B-Instruct-v0.2_5shots.json");
  REQUIRE(text);
  CHECK(sha256_hex(*text) == "4a56377b240acb697466a3f6c593a209337525802a6f48683b14e080f2eea875");
  auto missing = read_file_maybe_gz(zip + "#nope.json");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("no member 'nope.json'") != std::string::npos);
  CHECK(missing.error().message.find("model_outputs_Mistral-7B-Instruct-v0.2_5shots.json") !=
        std::string::npos);
}

TEST_CASE("baseline adapters: oracle fills the gold, random is seeded and stays in the answer set",
          "[catalogue][adapters]") {
  Sample s;
  s.id = "q1";
  s.target = "C";
  s.answer_format = std::string("Answer: ") + kAnswerSlot;
  s.answer_space = {"A", "B", "C", "D"};
  auto oracle = baseline("oracle:oracle");
  ModelCall r = call_for(s);
  auto got = oracle->complete_local(r);
  REQUIRE(got);
  CHECK(got->text == "Answer: C");
  CHECK(fill_answer_slot(std::string("\\boxed{ ") + kAnswerSlot + " }", "7") == "\\boxed{ 7 }");

  auto random = baseline("random:random?seed=7");
  std::map<std::string, int> seen;
  for (int e = 0; e < 400; ++e) {
    r.epoch = e;
    auto a = random->complete_local(r);
    REQUIRE(a);
    ++seen[a->text];
    CHECK(random->complete_local(r)->text == a->text);  // deterministic per (seed, id, epoch)
  }
  REQUIRE(seen.size() == 4);
  for (const auto& [text, n] : seen) CHECK(n > 60);  // ~100 each of 400
  auto other = baseline("random:random?seed=8");
  int differ = 0;
  for (int e = 0; e < 50; ++e) {
    r.epoch = e;
    differ += other->complete_local(r)->text != random->complete_local(r)->text ? 1 : 0;
  }
  CHECK(differ > 20);

  Sample open = s;
  open.answer_space.clear();
  CHECK_FALSE(random->check_sample(open));
  CHECK(random->check_sample(open).error().message.find("no finite answer set") !=
        std::string::npos);
  Sample none = s;
  none.answer_format.clear();
  CHECK_FALSE(oracle->check_sample(none));
  auto bad_seed = make_random_adapter(*parse_model_spec("random:r?seed=-1"));
  CHECK_FALSE(bad_seed);
  auto bad_param = make_oracle_adapter(*parse_model_spec("oracle:o?temperature=0"));
  CHECK_FALSE(bad_param);
}

TEST_CASE("an index combines its members' means and SEs and never re-weights missing members",
          "[catalogue][index]") {
  IndexDefinition def{
      "t",
      "",
      "",
      {{"a", 0.5, "x", true, ""}, {"b", 0.25, "y", true, ""}, {"c", 0.25, "y", true, ""}}};
  auto summary = [](int64_t id, const std::string& model, const std::string& suite, double mean,
                    double se) {
    RunSummary r;
    r.run.id = id;
    r.run.model_spec = model;
    r.run.suite = suite;
    r.primary.n_counted = 100;
    r.primary.mean = mean;
    r.primary.stderr_ = se;
    return r;
  };
  std::vector<RunSummary> runs = {summary(1, "m1", "a", 0.8, 0.04),
                                  summary(2, "m1", "b", 0.4, 0.08), summary(3, "m1", "c", 0.6, 0.0),
                                  summary(4, "m2", "a", 0.9, 0.01),
                                  summary(5, "m2", "zzz", 0.1, 0.01)};
  std::vector<const RunSummary*> ptrs;
  for (const auto& r : runs) ptrs.push_back(&r);
  auto results = compute_index(def, ptrs);
  REQUIRE(results.size() == 2);
  REQUIRE(results[0].score);
  CHECK(results[0].score->mean == Approx(0.5 * 0.8 + 0.25 * 0.4 + 0.25 * 0.6));
  CHECK(results[0].score->se == Approx(std::sqrt(0.25 * 0.0016 + 0.0625 * 0.0064)));
  CHECK(results[0].score->ci_low ==
        Approx(results[0].score->mean - 1.959964 * results[0].score->se));
  CHECK(results[0].covered_weight == Approx(1.0));
  CHECK_FALSE(results[1].score);
  CHECK(results[1].covered_weight == Approx(0.5));
  CHECK(results[1].members[1].status == IndexMemberStatus::kNotRun);
  // m2's partial index is its one member's score, its weight re-normalised, said as partial.
  REQUIRE(results[1].covered_score);
  CHECK(results[1].covered_score->mean == Approx(0.9));
  CHECK(results[1].covered_score->se == Approx(0.01));
  CHECK(results[0].covered_score->mean == Approx(results[0].score->mean));
  std::ostringstream out;
  write_index_table(out, results);
  CHECK(out.str().find("index t = 65.0") != std::string::npos);
  CHECK(out.str().find("no value, members with scores cover 50.0% of the weight") !=
        std::string::npos);
  CHECK_FALSE(results[0].cost_usd);  // no usage read: no cost claimed

  // With every member's usage priced, the index has a cost: the sum of its member runs.
  for (double c : {0.5, 0.25, 0.125}) {
    RunUsage u;
    u.cost = c;
    runs[c == 0.5 ? 0 : c == 0.25 ? 1 : 2].usage = u;
  }
  auto priced = compute_index(def, ptrs);
  REQUIRE(priced[0].cost_usd);
  CHECK(*priced[0].cost_usd == Approx(0.875));
  CHECK_FALSE(priced[1].cost_usd);  // incomplete index: no total
  std::ostringstream priced_out;
  write_index_table(priced_out, priced);
  CHECK(priced_out.str().find("cost to run index t: 0.8750 USD") != std::string::npos);
  CHECK(to_json(index_results_json(priced)).find(R"("cost_usd":0.875)") != std::string::npos);

  // The shipped definitions: weights sum to 1; aa-v2 keeps its unshipped members.
  for (const auto& d : builtin_indexes()) {
    double sum = 0;
    for (const auto& m : d.members) {
      sum += m.weight;
      if (m.shipped) CHECK(find_builtin_suite(m.suite));
    }
    CHECK(sum == Approx(1.0));
  }
  auto aa = find_index("index:aa-v2");
  REQUIRE(aa);
  CHECK((*aa)->members.size() == 7);
  CHECK_FALSE(find_index("assay-cor"));
}

TEST_CASE("assay data pull verifies sha256 against a loopback server: ok, mismatch, 404, truncated",
          "[catalogue][data]") {
  const std::string body = "{\"q\": \"hello\"}\n";
  const std::string body_sha = sha256_hex(body);
  ServedOnLoopback served([&](const mock::HttpRequestIn& req) {
    mock::Reply reply;
    auto ok = [&](const std::string& b, size_t claimed) {
      return "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
             std::to_string(claimed) + "\r\n\r\n" + b;
    };
    if (req.path == "/good.jsonl") {
      reply.segments = {{0, ok(body, body.size())}};
    } else if (req.path == "/tampered.jsonl") {
      reply.segments = {{0, ok("{\"q\": \"evil\"}\n", 14)}};
    } else if (req.path == "/short.jsonl") {
      reply.segments = {{0, ok(body.substr(0, 5), body.size())}};
      reply.end = mock::Reply::End::kClose;
    } else {
      reply.segments = {{0, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"}};
    }
    return reply;
  });
  const std::string base = "http://127.0.0.1:" + std::to_string(served.port());
  auto spec_for = [&](const std::string& path) {
    auto spec =
        parse_suite_spec("name = \"dl\"\n[dataset]\nfiles = [\"dl/data.jsonl\"]\nsha256 = [\"" +
                             body_sha + "\"]\nurl = \"" + base + path +
                             "\"\n[sample]\nprompt = \"{q}\"\ntarget = \"x\"\n"
                             "[scoring]\nscorers = [\"exact\"]\n",
                         "builtin:dl", "", true);
    REQUIRE(spec);
    return *spec;
  };
  TempDir dir;
  const std::string dest = dir.file("dl/data.jsonl");
  FetchOptions options;
  options.total_timeout_ms = 20'000;

  auto missing = pull_dataset(spec_for("/gone.jsonl"), dir.path(), options);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::kNotFound);
  CHECK(missing.error().message.find("HTTP 404") != std::string::npos);
  CHECK(missing.error().message.find("suite 'dl', file 'dl/data.jsonl'") != std::string::npos);
  CHECK(missing.error().message.find(body_sha) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dest));
  CHECK_FALSE(std::filesystem::exists(dest + ".part"));

  auto tampered = pull_dataset(spec_for("/tampered.jsonl"), dir.path(), options);
  REQUIRE_FALSE(tampered);
  CHECK(tampered.error().message.find("checksum mismatch") != std::string::npos);
  CHECK(tampered.error().message.find("expected sha256 " + body_sha) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dest));
  CHECK_FALSE(std::filesystem::exists(dest + ".part"));

  auto truncated = pull_dataset(spec_for("/short.jsonl"), dir.path(), options);
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().message.find("truncated") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dest));
  CHECK_FALSE(std::filesystem::exists(dest + ".part"));

  auto good = pull_dataset(spec_for("/good.jsonl"), dir.path(), options);
  REQUIRE(good);
  REQUIRE(good->size() == 1);
  CHECK((*good)[0].state == DataState::kOk);
  CHECK(assay::testing::read_file(dest) == body);
  auto status = dataset_status(spec_for("/good.jsonl"), dir.path());
  CHECK(status[0].state == DataState::kOk);
  // Already verified: a second pull does not download (the server would now say 404).
  auto again = pull_dataset(spec_for("/gone.jsonl"), dir.path(), options);
  REQUIRE(again);
  write_file(dest, "changed\n");
  CHECK(dataset_status(spec_for("/good.jsonl"), dir.path())[0].state == DataState::kMismatch);
  auto loaded = load_suite(spec_for("/good.jsonl"), dir.path(), std::nullopt);
  REQUIRE_FALSE(loaded);
  CHECK(loaded.error().message.find("expected sha256 " + body_sha) != std::string::npos);
  CHECK(loaded.error().message.find("assay data pull dl") != std::string::npos);

  // A suite that pins no sha256 (healthbench-hard): the first download's digest is recorded
  // beside the file and every later copy must match it.
  auto unpinned_for = [&](const std::string& path) {
    auto spec = parse_suite_spec(
        "name = \"dl2\"\n[dataset]\nfiles = [\"dl2/data.jsonl\"]\nurl = \"" + base + path +
            "\"\n[sample]\nprompt = \"{q}\"\ntarget = \"x\"\n"
            "[scoring]\nscorers = [\"exact\"]\n",
        "builtin:dl2", "", true);
    REQUIRE(spec);
    return *spec;
  };
  const std::string dest2 = dir.file("dl2/data.jsonl");
  auto first = pull_dataset(unpinned_for("/good.jsonl"), dir.path(), options);
  REQUIRE(first);
  CHECK((*first)[0].state == DataState::kOk);
  CHECK((*first)[0].pinned_at_download);
  CHECK(recorded_sha256(dest2) == body_sha);
  CHECK(load_suite(unpinned_for("/good.jsonl"), dir.path(), std::nullopt));
  // A different upstream file is refused on a forced pull, and a changed local copy on load.
  FetchOptions force = options;
  force.force = true;
  auto swapped = pull_dataset(unpinned_for("/tampered.jsonl"), dir.path(), force);
  REQUIRE_FALSE(swapped);
  CHECK(swapped.error().message.find("recorded at the first download") != std::string::npos);
  CHECK(assay::testing::read_file(dest2) == body);
  write_file(dest2, "changed\n");
  CHECK(dataset_status(unpinned_for("/good.jsonl"), dir.path())[0].state == DataState::kMismatch);
  auto changed = load_suite(unpinned_for("/good.jsonl"), dir.path(), std::nullopt);
  REQUIRE_FALSE(changed);
  CHECK(changed.error().message.find("recorded when assay downloaded it") != std::string::npos);
}

namespace {

// A zip holding `member` with `text`, encrypted with `password` (traditional PKWARE, as GPQA's
// dataset.zip), written by libarchive.
std::string encrypted_zip(const std::string& member, const std::string& text,
                          const std::string& password) {
  std::string out(1 << 16, '\0');
  size_t used = 0;
  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_write_new(),
                                                              archive_write_free);
  REQUIRE(archive_write_set_format_zip(a.get()) == ARCHIVE_OK);
  REQUIRE(archive_write_set_options(a.get(), "zip:encryption=zipcrypt") == ARCHIVE_OK);
  REQUIRE(archive_write_set_passphrase(a.get(), password.c_str()) == ARCHIVE_OK);
  REQUIRE(archive_write_open_memory(a.get(), out.data(), out.size(), &used) == ARCHIVE_OK);
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(),
                                                             archive_entry_free);
  archive_entry_set_pathname(e.get(), member.c_str());
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_perm(e.get(), 0644);
  archive_entry_set_size(e.get(), static_cast<la_int64_t>(text.size()));
  REQUIRE(archive_write_header(a.get(), e.get()) == ARCHIVE_OK);
  REQUIRE(archive_write_data(a.get(), text.data(), text.size()) ==
          static_cast<la_ssize_t>(text.size()));
  REQUIRE(archive_write_close(a.get()) == ARCHIVE_OK);
  out.resize(used);
  return out;
}

}  // namespace

TEST_CASE("data pull takes a member out of a downloaded encrypted zip and checks both digests",
          "[catalogue][data]") {
  const std::string csv = "Question,Correct Answer\nq,a\n";
  const std::string zip = encrypted_zip("dataset/diamond.csv", csv, "open-sesame");
  ServedOnLoopback served([&](const mock::HttpRequestIn& req) {
    mock::Reply reply;
    if (req.path == "/dataset.zip") {
      reply.segments = {{0, "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: " +
                                std::to_string(zip.size()) + "\r\n\r\n" + zip}};
    } else {
      reply.segments = {{0, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"}};
    }
    return reply;
  });
  const std::string url =
      "http://127.0.0.1:" + std::to_string(served.port()) + "/dataset.zip#dataset/diamond.csv";
  auto spec_for = [&](const std::string& zip_sha, const std::string& password) {
    auto spec =
        parse_suite_spec("name = \"enc\"\n[dataset]\nfiles = [\"enc/diamond.csv\"]\nsha256 = [\"" +
                             sha256_hex(csv) + "\"]\nurl = \"" + url + "\"\nurl_sha256 = \"" +
                             zip_sha + "\"\nurl_password = \"" + password +
                             "\"\n[sample]\nprompt = \"{Question}\"\ntarget = \"x\"\n"
                             "[scoring]\nscorers = [\"exact\"]\n",
                         "builtin:enc", "", true);
    REQUIRE(spec);
    return *spec;
  };
  TempDir dir;
  const std::string dest = dir.file("enc/diamond.csv");
  FetchOptions options;
  options.total_timeout_ms = 20'000;
  const std::string other_sha(64, 'a');
  auto tampered = pull_dataset(spec_for(other_sha, "open-sesame"), dir.path(), options);
  REQUIRE_FALSE(tampered);
  CHECK(tampered.error().message.find("checksum mismatch") != std::string::npos);
  CHECK(tampered.error().message.find("expected sha256 " + other_sha) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dest));
  auto wrong = pull_dataset(spec_for(sha256_hex(zip), "guess"), dir.path(), options);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().message.find("the password does not decrypt the member") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dest));
  auto good = pull_dataset(spec_for(sha256_hex(zip), "open-sesame"), dir.path(), options);
  INFO((good ? "" : good.error().message));
  REQUIRE(good);
  CHECK((*good)[0].state == DataState::kOk);
  CHECK(assay::testing::read_file(dest) == csv);
  // Only the member is kept: the archive is gone.
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.file("enc"))) {
    (void)entry;
    ++files;
  }
  CHECK(files == 1);
  // The spec must give one url_sha256 per url.
  auto bad = parse_suite_spec(
      "name = \"x\"\n[dataset]\nfiles = [\"a.csv\"]\nurl = \"u\"\nurl_sha256 = [\"" + other_sha +
          "\", \"" + other_sha +
          "\"]\n[sample]\nprompt = \"p\"\ntarget = \"t\"\n[scoring]\n"
          "scorers = [\"exact\"]\n",
      "x.toml", "", false);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("one value per 'url'") != std::string::npos);
}
