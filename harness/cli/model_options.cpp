#include "harness/cli/model_options.h"

#include <charconv>
#include <map>
#include <optional>

#include "suites/dataset.h"

namespace assay::cli {
namespace {

constexpr const char* kHarnessParams[] = {"vote", "synthesize", "synthesis_prompt", "rpm",
                                          "tpm",  "think_tags", "context"};

// Providers whose answers are not a model's live output (released outputs, baselines): their
// text is graded as the reference graded it, with nothing split out by default.
bool replays_outputs(const std::string& spec) {
  std::string provider = spec.substr(0, spec.find_first_of(":?@"));
  return provider == "replay" || provider == "oracle" || provider == "random";
}

bool is_harness_param(const std::string& key) {
  for (const char* p : kHarnessParams) {
    if (key == p) return true;
  }
  return false;
}

Result<int> whole_number(const std::string& spec, const std::string& key, const std::string& v,
                         int max) {
  int k = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), k);
  if (ec != std::errc() || end != v.data() + v.size() || k < 1 || k > max) {
    return make_error(ErrorKind::kInvalidInput, "model SPEC '" + spec + "': " + key + "=" + v +
                                                    ": expected a whole number from 1 to " +
                                                    std::to_string(max));
  }
  return k;
}

Result<double> per_minute(const std::string& spec, const std::string& key, const std::string& v) {
  double x = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || end != v.data() + v.size() || !(x > 0)) {
    return make_error(ErrorKind::kInvalidInput, "model SPEC '" + spec + "': " + key + "=" + v +
                                                    ": expected a positive number per minute");
  }
  return x;
}

Status load_synthesis_prompt(ProgramSpec& program, const std::string& file) {
  Result<std::string> text = read_file_maybe_gz(file);
  if (!text) {
    return make_error(ErrorKind::kInvalidInput, "synthesis prompt: " + text.error().message);
  }
  if (Status ok = check_synthesis_template(*text, file); !ok) return ok;
  program.synthesis_template = std::move(text).value();
  program.synthesis_template_source = file;
  return Status::ok();
}

}  // namespace

Result<ModelOptions> take_model_options(std::string& spec_text, const ModelDefaults& defaults) {
  const std::string original = spec_text;
  std::map<std::string, std::string> taken;
  size_t q = spec_text.find('?');
  if (q != std::string::npos) {
    std::string kept;
    size_t start = q + 1;
    while (start <= spec_text.size()) {
      size_t amp = spec_text.find('&', start);
      if (amp == std::string::npos) amp = spec_text.size();
      std::string part = spec_text.substr(start, amp - start);
      size_t eq = part.find('=');
      std::string key = part.substr(0, eq);
      if (is_harness_param(key)) {
        taken[key] = eq == std::string::npos ? "" : part.substr(eq + 1);
      } else if (!part.empty()) {
        kept += (kept.empty() ? "" : "&") + part;
      }
      start = amp + 1;
    }
    spec_text = spec_text.substr(0, q) + (kept.empty() ? "" : "?" + kept);
  }

  ModelOptions o;
  auto get = [&](const char* key) -> std::optional<std::string> {
    auto it = taken.find(key);
    if (it == taken.end()) return std::nullopt;
    return it->second;
  };
  if (get("vote") && get("synthesize")) {
    return make_error(ErrorKind::kInvalidInput,
                      "model SPEC '" + original +
                          "': vote=K and synthesize=K are two programs; give one of them");
  }
  if (auto vote = get("vote")) {
    Result<int> k = whole_number(original, "vote", *vote, kMaxDraws);
    if (!k) return k.error();
    o.program.kind = *k > 1 ? ProgramSpec::Kind::kVote : ProgramSpec::Kind::kGenerate;
    o.program.k = *k;
  } else if (auto synth = get("synthesize")) {
    Result<int> k = whole_number(original, "synthesize", *synth, kMaxDraws);
    if (!k) return k.error();
    o.program.kind = ProgramSpec::Kind::kSynthesize;
    o.program.k = *k;
  } else if (defaults.synthesize > 0) {
    o.program.kind = ProgramSpec::Kind::kSynthesize;
    o.program.k = defaults.synthesize;
  } else if (defaults.votes > 1) {
    o.program.kind = ProgramSpec::Kind::kVote;
    o.program.k = defaults.votes;
  }
  std::optional<std::string> prompt = get("synthesis_prompt");
  if (prompt && o.program.kind != ProgramSpec::Kind::kSynthesize) {
    return make_error(ErrorKind::kInvalidInput,
                      "model SPEC '" + original +
                          "': synthesis_prompt is the prompt of synthesize=K; add synthesize=K");
  }
  if (o.program.kind == ProgramSpec::Kind::kSynthesize) {
    std::string file = prompt ? *prompt : defaults.synthesis_prompt;
    if (!file.empty()) {
      if (Status ok = load_synthesis_prompt(o.program, file); !ok) {
        Error e = ok.error();
        e.message = "model SPEC '" + original + "': " + e.message;
        return e;
      }
    }
  }
  o.think_tags = replays_outputs(original) ? ThinkTags::none() : ThinkTags::defaults();
  if (auto tags = get("think_tags")) {
    Result<ThinkTags> t = parse_think_tags(*tags);
    if (!t)
      return make_error(ErrorKind::kInvalidInput,
                        "model SPEC '" + original + "': " + t.error().message);
    o.think_tags = std::move(t).value();
  }
  if (auto context = get("context")) {
    int64_t tokens = 0;
    auto [end, ec] = std::from_chars(context->data(), context->data() + context->size(), tokens);
    if (ec != std::errc() || end != context->data() + context->size() || tokens < 1) {
      return make_error(ErrorKind::kInvalidInput,
                        "model SPEC '" + original + "': context=" + *context +
                            ": expected the model's context window as a whole number of tokens "
                            "(e.g. context=128000)");
    }
    o.context = {tokens, "?context="};
  }
  o.limits.requests_per_minute = defaults.rpm;
  o.limits.tokens_per_minute = defaults.tpm;
  if (auto rpm = get("rpm")) {
    Result<double> x = per_minute(original, "rpm", *rpm);
    if (!x) return x.error();
    o.limits.requests_per_minute = *x;
  }
  if (auto tpm = get("tpm")) {
    Result<double> x = per_minute(original, "tpm", *tpm);
    if (!x) return x.error();
    o.limits.tokens_per_minute = *x;
  }
  return o;
}

}  // namespace assay::cli
