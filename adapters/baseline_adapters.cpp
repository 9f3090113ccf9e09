#include "adapters/baseline_adapters.h"

#include <algorithm>
#include <charconv>

#include "harness/json.h"
#include "harness/sha256.h"

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

Status check_format(const Sample& sample, const char* who) {
  if (!sample.answer_format.empty()) return Status::ok();
  return make_error(ErrorKind::kInvalidInput,
                    std::string(who) + ": sample '" + sample.id +
                        "': its suite declares no [baseline] answer format, so there is no way "
                        "to write an answer in the form its prompt asks for");
}

Status check_random(const Sample& sample) {
  Status st = check_format(sample, "random");
  if (!st || !sample.answer_space.empty()) return st;
  return make_error(ErrorKind::kInvalidInput,
                    "random: sample '" + sample.id +
                        "' has no finite answer set (not multiple choice and no [baseline] "
                        "answers); a random baseline is only defined for closed answer sets");
}

Completion local_completion(std::string text) {
  Completion c;
  c.text = std::move(text);
  c.finish_reason = "stop";
  c.latency_ms = 0;
  return c;
}

class OracleAdapter final : public ModelAdapter {
 public:
  explicit OracleAdapter(ModelSpec spec) : spec_(std::move(spec)) {}
  const ModelSpec& spec() const override { return spec_; }
  std::string params_json(const GenerationParams&) const override { return "{}"; }
  bool uses_http() const override { return false; }
  Result<HttpRequest> build_request(const Request&) const override {
    return make_error(ErrorKind::kInternal, "oracle: no HTTP");
  }
  Result<Completion> parse_response(const HttpResponse&) const override {
    return make_error(ErrorKind::kInternal, "oracle: no HTTP");
  }
  Status check_sample(const Sample& sample) const override {
    return check_format(sample, "oracle");
  }
  Result<Completion> complete_local(const Request& request) const override {
    Status st = check_format(*request.sample, "oracle");
    if (!st) return st.error();
    return local_completion(
        fill_answer_slot(request.sample->answer_format, request.sample->target));
  }

 private:
  ModelSpec spec_;
};

class RandomAdapter final : public ModelAdapter {
 public:
  RandomAdapter(ModelSpec spec, uint64_t seed) : spec_(std::move(spec)), seed_(seed) {}
  const ModelSpec& spec() const override { return spec_; }
  Status check_sample(const Sample& sample) const override { return check_random(sample); }
  std::string params_json(const GenerationParams&) const override {
    return to_json(JsonValue::object({{"seed", JsonValue(static_cast<int64_t>(seed_))}}));
  }
  bool uses_http() const override { return false; }
  Result<HttpRequest> build_request(const Request&) const override {
    return make_error(ErrorKind::kInternal, "random: no HTTP");
  }
  Result<Completion> parse_response(const HttpResponse&) const override {
    return make_error(ErrorKind::kInternal, "random: no HTTP");
  }
  Result<Completion> complete_local(const Request& request) const override {
    const Sample& s = *request.sample;
    Status st = check_random(s);
    if (!st) return st.error();
    // A hash of (seed, id, epoch) rather than a shared generator: the answer must not depend on
    // which worker thread gets the sample first.
    std::string digest =
        sha256_hex(std::to_string(seed_) + "\n" + s.id + "\n" + std::to_string(request.epoch));
    uint64_t r = 0;
    std::from_chars(digest.data(), digest.data() + 16, r, 16);
    const std::string& pick = s.answer_space[r % s.answer_space.size()];
    return local_completion(fill_answer_slot(s.answer_format, pick));
  }

 private:
  ModelSpec spec_;
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
