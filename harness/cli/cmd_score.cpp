// `assay score`: grade JSONL {output, target, choices?, metadata?} lines outside a run.

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "harness/cli/app.h"
#include "harness/core/json.h"
#include "harness/core/strings.h"
#include "harness/runtime/thread_pool.h"

namespace assay::cli {
namespace {

struct ScoreFlags {
  std::string scorer;
  std::string input = "-";
  CodeExecOptions code_exec;
};

constexpr size_t kBatchLines = 256;

// One input line, validated.
struct ScoreLine {
  JsonValue row;
  std::string target;
  std::vector<std::string> choices;
  std::vector<Score> scores;
};

// `need_target`: the scorer grades against "target" (instruction checkers read "metadata").
Result<ScoreLine> parse_score_line(const std::string& line, const std::string& where,
                                   bool need_target) {
  Result<JsonValue> row = parse_json(line);
  if (!row) return make_error(ErrorKind::kInvalidInput, where + ": " + row.error().message);
  if (!row->is_object()) {
    return make_error(ErrorKind::kInvalidInput, where + ": expected a JSON object");
  }
  const JsonValue* output = row->find("output");
  const JsonValue* target = row->find("target");
  if (output == nullptr || !output->is_string()) {
    return make_error(ErrorKind::kInvalidInput, where + ": missing string field 'output'");
  }
  if (target == nullptr && need_target) {
    return make_error(ErrorKind::kInvalidInput, where + ": missing field 'target'");
  }
  ScoreLine l;
  if (const JsonValue* c = row->find("choices")) {
    if (!c->is_array()) {
      return make_error(ErrorKind::kInvalidInput, where + ": 'choices' must be a list of strings");
    }
    for (const auto& item : c->items()) l.choices.push_back(item.to_text());
  }
  if (target != nullptr) l.target = target->to_text();
  l.row = std::move(row).value();
  return l;
}

// The input row with score, answer, explanation (and unscored_reason, metrics) added.
JsonValue scored_row(const ScoreLine& l) {
  JsonValue out = l.row;
  const Score& primary = l.scores.front();
  out.set("score", primary.value ? JsonValue(*primary.value) : JsonValue());
  out.set("answer", JsonValue(primary.answer));
  out.set("explanation", JsonValue(primary.explanation));
  if (!primary.value) out.set("unscored_reason", JsonValue(primary.unscored_reason));
  if (l.scores.size() > 1) {
    JsonValue metrics = JsonValue::object();
    for (const auto& s : l.scores) {
      metrics.set(s.metric, s.value ? JsonValue(*s.value) : JsonValue());
    }
    out.set("metrics", metrics);
  }
  return out;
}

int execute_score(AppContext& ctx, const ScoreFlags& f) {
  if (Status ok = check_code_exec_flags(f.code_exec); !ok) return report_error(ctx, ok.error());
  ctx.scorer_settings.code_exec = f.code_exec;
  auto entry = ctx.scorers.find(f.scorer);
  if (!entry) return report_error(ctx, make_error(ErrorKind::kInvalidInput, entry.error().message));
  std::unique_ptr<Scorer> scorer = (*entry)->factory();
  if (Status ready = scorer->ready(); !ready) return report_error(ctx, ready.error());
  if (std::string env = scorer->environment(); !env.empty()) {
    *ctx.err << "assay: " << env << "\n";
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  std::string origin = "<stdin>";
  if (f.input != "-") {
    file.open(f.input);
    if (!file) {
      return report_error(ctx,
                          make_error(ErrorKind::kNotFound, "cannot open input '" + f.input + "'"));
    }
    in = &file;
    origin = f.input;
  }
  // Lines are read in batches, graded in parallel (scorers are thread-safe; code execution is
  // bounded by --sandboxes inside the scorer) and written back in input order.
  ThreadPool pool(0);
  std::vector<ScoreLine> batch;
  auto flush = [&] {
    for (auto& l : batch) {
      pool.submit([&l, &scorer] {
        ScoringInput input;
        input.output = l.row.find("output")->as_string();
        input.target = l.target;
        input.choices = &l.choices;
        input.metadata = l.row.find("metadata");
        l.scores = scorer->score(input);
      });
    }
    pool.wait_idle();
    for (const auto& l : batch) *ctx.out << to_json(scored_row(l)) << "\n";
    ctx.out->flush();
    batch.clear();
  };
  std::string line;
  size_t line_no = 0;
  while (std::getline(*in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    Result<ScoreLine> parsed =
        parse_score_line(line, origin + ":" + std::to_string(line_no), scorer->needs_target());
    if (!parsed) {
      flush();  // the lines before the bad one are still graded and written
      return report_error(ctx, parsed.error());
    }
    batch.push_back(std::move(parsed).value());
    if (batch.size() >= kBatchLines) flush();
  }
  flush();
  return kExitOk;
}

}  // namespace

void add_score_command(CLI::App& app, AppContext& ctx, int* exit_code) {
  auto flags = std::make_shared<ScoreFlags>();
  std::string scorers;
  for (const auto& e : ctx.scorers.entries()) scorers += "\n  " + e.name + ": " + e.description;
  CLI::App* cmd = app.add_subcommand(
      "score",
      "Grade JSONL lines {\"output\", \"target\", \"choices\"?, \"metadata\"?} with a scorer and "
      "write each line back with \"score\", \"answer\" and \"explanation\" (and \"metrics\" for "
      "multi-metric scorers). ifeval and ifbench read no target: the metadata carries "
      "\"instruction_id_list\" and \"kwargs\". Scorers:" +
          scorers);
  cmd->add_option("--scorer", flags->scorer, "Scorer name (listed above)")->required();
  cmd->add_option("--input", flags->input, "JSONL file, or - for standard input")
      ->capture_default_str();
  add_code_exec_flags(*cmd, flags->code_exec);
  cmd->callback([&ctx, flags, exit_code] { *exit_code = execute_score(ctx, *flags); });
}

}  // namespace assay::cli
