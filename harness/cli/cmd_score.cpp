// `assay score`: grade JSONL {output, target, choices?, metadata?} lines outside a run.

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "harness/cli/app.h"
#include "harness/json.h"
#include "harness/strings.h"

namespace assay::cli {
namespace {

struct ScoreFlags {
  std::string scorer;
  std::string input = "-";
  CodeExecOptions code_exec;
};

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
  std::string line;
  size_t line_no = 0;
  while (std::getline(*in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    std::string where = origin + ":" + std::to_string(line_no);
    Result<JsonValue> row = parse_json(line);
    if (!row) {
      return report_error(ctx,
                          make_error(ErrorKind::kInvalidInput, where + ": " + row.error().message));
    }
    if (!row->is_object()) {
      return report_error(ctx,
                          make_error(ErrorKind::kInvalidInput, where + ": expected a JSON object"));
    }
    const JsonValue* output = row->find("output");
    const JsonValue* target = row->find("target");
    if (output == nullptr || !output->is_string()) {
      return report_error(
          ctx, make_error(ErrorKind::kInvalidInput, where + ": missing string field 'output'"));
    }
    if (target == nullptr) {
      return report_error(ctx,
                          make_error(ErrorKind::kInvalidInput, where + ": missing field 'target'"));
    }
    std::vector<std::string> choices;
    if (const JsonValue* c = row->find("choices")) {
      if (!c->is_array()) {
        return report_error(ctx, make_error(ErrorKind::kInvalidInput,
                                            where + ": 'choices' must be a list of strings"));
      }
      for (const auto& item : c->items()) choices.push_back(item.to_text());
    }
    std::string target_text = target->to_text();
    ScoringInput input;
    input.output = output->as_string();
    input.target = target_text;
    input.choices = &choices;
    input.metadata = row->find("metadata");
    std::vector<Score> scores = scorer->score(input);
    JsonValue out = *row;
    const Score& primary = scores.front();
    out.set("score", primary.value ? JsonValue(*primary.value) : JsonValue());
    out.set("answer", JsonValue(primary.answer));
    out.set("explanation", JsonValue(primary.explanation));
    if (!primary.value) out.set("unscored_reason", JsonValue(primary.unscored_reason));
    if (scores.size() > 1) {
      JsonValue metrics = JsonValue::object();
      for (const auto& s : scores) {
        metrics.set(s.metric, s.value ? JsonValue(*s.value) : JsonValue());
      }
      out.set("metrics", metrics);
    }
    *ctx.out << to_json(out) << "\n";
  }
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
      "multi-metric scorers). Scorers:" +
          scorers);
  cmd->add_option("--scorer", flags->scorer, "Scorer name (listed above)")->required();
  cmd->add_option("--input", flags->input, "JSONL file, or - for standard input")
      ->capture_default_str();
  add_code_exec_flags(*cmd, flags->code_exec);
  cmd->callback([&ctx, flags, exit_code] { *exit_code = execute_score(ctx, *flags); });
}

}  // namespace assay::cli
