#include "adapters/baseline_adapters.h"

#include <algorithm>
#include <charconv>

#include "harness/core/json.h"
#include "harness/core/sha256.h"

namespace assay {

std::string fill_answer_slot(const std::string& format, const std::string& answer) {
  std::string out;
  out.reserve(format.size() + answer.size());
  for (char c : format) {
    if (c == kAnswerSlot[0]) {
      out += answer;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

namespace {

Status check_format(const std::string& answer_format, const std::string& sample_id,
                    const char* who) {
  if (!answer_format.empty()) return Status::ok();
  return make_error(ErrorKind::kInvalidInput,
                    std::string(who) + ": sample '" + sample_id +
                        "': its suite declares no [baseline] answer format, so there is no way "
                        "to write an answer in the form its prompt asks for");
}

Status check_random(const std::string& answer_format, const std::vector<std::string>& space,
                    const std::string& sample_id) {
  Status st = check_format(answer_format, sample_id, "random");
  if (!st || !space.empty()) return st;
  return make_error(ErrorKind::kInvalidInput,
                    "random: sample '" + sample_id +
                        "' has no finite answer set (not multiple choice and no [baseline] "
                        "answers); a random baseline is only defined for closed answer sets");
}

// The call's answer key; a call without one (a judge question) cannot be answered.
Result<const AnswerKey*> answer_key_of(const ModelCall& call, const char* who) {
  if (call.answer_key) return call.answer_key.get();
  return make_error(ErrorKind::kInvalidInput,
                    std::string(who) + " answers dataset samples only; the " +
                        std::string(call_role_name(call.role)) + " call for sample '" +
                        call.sample_id + "' has no gold answer to give");
}

Completion local_completion(std::string text) {
  Completion c;
  c.text = std::move(text);
  c.finish_reason = "stop";
  c.latency_ms = 0;
  return c;
}

// What both baselines share: a SPEC, no HTTP, no parameters sent anywhere.
class BaselineAdapter : public ModelAdapter {
 public:
  explicit BaselineAdapter(ModelSpec spec) : spec_(std::move(spec)) {}
  const ModelSpec& spec() const override { return spec_; }
  bool uses_http() const override { return false; }
  bool needs_answer_key() const override { return true; }
  bool supports_tools() const override { return true; }
  Result<HttpRequest> build_request(const ModelCall&) const override {
    return make_error(ErrorKind::kInternal, spec_.provider + ": no HTTP");
  }
  Result<Completion> parse_response(const HttpResponse&) const override {
    return make_error(ErrorKind::kInternal, spec_.provider + ": no HTTP");
  }

 private:
  ModelSpec spec_;
};

class OracleAdapter final : public BaselineAdapter {
 public:
  using BaselineAdapter::BaselineAdapter;
  std::string params_json(const GenerationParams&) const override { return "{}"; }
  Status check_sample(const Sample& sample) const override {
    return check_format(sample.answer_format, sample.id, "oracle");
  }
  Result<Completion> complete_local(const ModelCall& call) const override {
    Result<const AnswerKey*> key = answer_key_of(call, "oracle");
    if (!key) return key.error();
    Status st = check_format((*key)->answer_format, call.sample_id, "oracle");
    if (!st) return st.error();
    if (call.role == CallRole::kAgent) return agent_turn(call, **key);
    return local_completion(fill_answer_slot((*key)->answer_format, (*key)->target));
  }

 private:
  // An agent task's gold answer is its reference solution, a shell command: the oracle runs it
  // with the bash tool on its first turn, then answers once it has the tool's result.
  static Result<Completion> agent_turn(const ModelCall& call, const AnswerKey& key) {
    const bool answered = std::any_of(call.messages->begin(), call.messages->end(),
                                      [](const Message& m) { return m.role == Role::kTool; });
    if (answered) return local_completion(fill_answer_slot(key.answer_format, key.target));
    const bool has_bash =
        call.tools && std::any_of(call.tools->begin(), call.tools->end(),
                                  [](const ToolSpec& t) { return t.name == "bash"; });
    if (!has_bash) {
      return make_error(ErrorKind::kInvalidInput,
                        "oracle: sample '" + call.sample_id +
                            "': the oracle runs an agent task's reference solution with the bash "
                            "tool, which this suite does not offer");
    }
    Completion c = local_completion("");
    c.finish_reason = "tool_calls";
    c.tool_calls.push_back(
        {"oracle-1", "bash", to_json(JsonValue::object({{"command", key.target}}))});
    return c;
  }
};

class RandomAdapter final : public BaselineAdapter {
 public:
  RandomAdapter(ModelSpec spec, uint64_t seed) : BaselineAdapter(std::move(spec)), seed_(seed) {}
  Status check_sample(const Sample& sample) const override {
    return check_random(sample.answer_format, sample.answer_space, sample.id);
  }
  std::string params_json(const GenerationParams&) const override {
    return to_json(JsonValue::object({{"seed", JsonValue(static_cast<int64_t>(seed_))}}));
  }
  Result<Completion> complete_local(const ModelCall& call) const override {
    Result<const AnswerKey*> key = answer_key_of(call, "random");
    if (!key) return key.error();
    const AnswerKey& k = **key;
    Status st = check_random(k.answer_format, k.answer_space, call.sample_id);
    if (!st) return st.error();
    // A hash of (seed, id, epoch) rather than a shared generator: the answer must not depend on
    // which worker thread gets the sample first.
    std::string digest = sha256_hex(std::to_string(seed_) + "\n" + call.sample_id + "\n" +
                                    std::to_string(call.epoch));
    uint64_t r = 0;
    std::from_chars(digest.data(), digest.data() + 16, r, 16);
    const std::string& pick = k.answer_space[r % k.answer_space.size()];
    return local_completion(fill_answer_slot(k.answer_format, pick));
  }

 private:
  uint64_t seed_;
};

Status reject_params(const ModelSpec& spec, const std::vector<std::string>& allowed) {
  for (const auto& [k, v] : spec.params) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      return make_error(ErrorKind::kInvalidInput,
                        "model SPEC '" + spec.text + "': " + spec.provider +
                            " takes no parameter '" + k + "'" +
                            (allowed.empty() ? "" : "; allowed: " + allowed.front()));
    }
  }
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<ModelAdapter>> make_oracle_adapter(const ModelSpec& spec) {
  Status st = reject_params(spec, {});
  if (!st) return st.error();
  return std::unique_ptr<ModelAdapter>(std::make_unique<OracleAdapter>(spec));
}

Result<std::unique_ptr<ModelAdapter>> make_random_adapter(const ModelSpec& spec) {
  Status st = reject_params(spec, {"seed"});
  if (!st) return st.error();
  uint64_t seed = 0;
  auto it = spec.params.find("seed");
  if (it != spec.params.end()) {
    const std::string& v = it->second;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), seed);
    if (ec != std::errc() || ptr != v.data() + v.size()) {
      return make_error(ErrorKind::kInvalidInput, "model SPEC '" + spec.text + "': seed '" + v +
                                                      "' is not a non-negative integer");
    }
  }
  return std::unique_ptr<ModelAdapter>(std::make_unique<RandomAdapter>(spec, seed));
}

}  // namespace assay
