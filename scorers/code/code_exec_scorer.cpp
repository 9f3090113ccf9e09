#include "scorers/code/code_exec_scorer.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <random>
#include <semaphore>
#include <thread>

#include "harness/core/json.h"
#include "harness/core/strings.h"
#include "scorers/code/code_extraction.h"
#include "scorers/code/code_language.h"

namespace assay {
namespace {

constexpr size_t kStderrExcerpt = 600;
// A whole differential-test job (reference outputs, then the candidate), × timeout_seconds.
constexpr double kDifferentialWallFactor = 12;

// 128 random bits as hex.
std::string random_secret() {
  std::random_device rd;
  std::string bytes;
  for (int i = 0; i < 4; ++i) {
    uint32_t v = rd();
    bytes.append(reinterpret_cast<const char*>(&v), sizeof(v));
  }
  return to_hex(bytes);
}

std::string tail(const std::string& text, size_t n) {
  std::string t(trim(text));
  if (t.size() <= n) return t;
  return "..." + t.substr(t.size() - n);
}

// Metadata text: strings verbatim, anything else as JSON.
std::string field_text(const JsonValue* v) {
  if (v == nullptr || v->is_null()) return "";
  return v->is_string() ? v->as_string() : to_json(*v);
}

enum class Verdict { kPassed, kFailed, kTimeout, kError };

std::string verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kPassed:
      return "passed";
    case Verdict::kFailed:
      return "failed";
    case Verdict::kTimeout:
      return "timeout";
    case Verdict::kError:
      return "error";
  }
  return "error";
}

// "killed by signal N", or a timeout when the signal is the CPU limit's.
Verdict signal_verdict(int sig, std::string* detail) {
  if (sig == SIGXCPU) {
    *detail = "timeout: CPU time limit";
    return Verdict::kTimeout;
  }
  *detail = "failed: killed by signal " + std::to_string(sig);
  return Verdict::kFailed;
}

struct Outcome {
  Verdict all = Verdict::kError;
  Verdict base = Verdict::kError;
  std::string detail;
};

struct Job {
  JsonValue json;
  double wall_seconds = 10;
  std::string rule;  // how the program was built
};

class CodeExecScorer final : public Scorer {
 public:
  CodeExecScorer(Result<std::shared_ptr<const Sandbox>> sandbox, const CodeExecOptions& options)
      : sandbox_(std::move(sandbox)),
        options_(options),
        language_(python_language()),
        ready_(check_ready(sandbox_, language_)),
        slots_(options.max_parallel > 0 ? options.max_parallel
                                        : static_cast<std::ptrdiff_t>(
                                              std::max(1U, std::thread::hardware_concurrency()))) {}

  std::string name() const override { return kCodeExecMetric; }
  std::vector<std::string> metrics() const override {
    return {kCodeExecMetric, kCodeExecBaseMetric};
  }

  Status ready() const override { return ready_; }

  std::string environment() const override {
    if (!sandbox_) return "";
    return "code sandbox: " + (*sandbox_)->describe();
  }

  std::vector<Score> score(const ScoringInput& input) const override {
    if (!ready_) return both_unscored("error:sandbox", ready_.error().message);
    ExtractedCode code = extract_code(input.output, language_.fence_tags);
    if (trim(code.code).empty()) {
      return both_unscored("no_answer", "no code in the output (" + code.rule + ")");
    }
    Result<Job> job = build_job(input, code.code);
    if (!job) return both_unscored("error:no_tests", job.error().message);
    Outcome outcome = execute(*job);
    std::string explanation = code.rule + "; " + job->rule + "; " + outcome.detail;
    auto make = [&](const char* metric, Verdict v) {
      if (v == Verdict::kError) return unscored(metric, "error:sandbox", explanation);
      return binary_score(metric, v == Verdict::kPassed, verdict_name(v), explanation);
    };
    return {make(kCodeExecMetric, outcome.all), make(kCodeExecBaseMetric, outcome.base)};
  }

 private:
  // Checked once: whether the sandbox started and the language's interpreter exists.
  static Status check_ready(const Result<std::shared_ptr<const Sandbox>>& sandbox,
                            const CodeLanguage& language) {
    if (!sandbox) return sandbox.error();
    if (::access(language.command.front().c_str(), X_OK) != 0) {
      return make_error(ErrorKind::kNotFound,
                        "the code_exec scorer runs " + language.name + " programs with " +
                            language.command.front() +
                            ", which is not installed (Debian: apt-get install python3)");
    }
    return Status::ok();
  }

  std::vector<Score> both_unscored(const std::string& reason, const std::string& why) const {
    return {unscored(kCodeExecMetric, reason, why), unscored(kCodeExecBaseMetric, reason, why)};
  }

  Result<Job> build_job(const ScoringInput& input, const std::string& code) const {
    const JsonValue* md = input.metadata;
    auto get = [&](const char* key) { return md ? md->find(key) : nullptr; };
    Job job;
    JsonValue& j = job.json;
    j = JsonValue::object();
    if (get("base_input") != nullptr || get("plus_input") != nullptr) {
      std::string entry = field_text(get("entry_point"));
      if (entry.empty()) {
        return make_error(ErrorKind::kInvalidInput,
                          "differential tests need metadata 'entry_point'");
      }
      j.set("mode", "evalplus");
      j.set("task_id", field_text(get("task_id")));
      j.set("entry_point", entry);
      const JsonValue* atol = get("atol");
      j.set("atol",
            atol != nullptr && atol->is_number() ? JsonValue(atol->as_double()) : JsonValue(0.0));
      for (const char* key : {"base_input", "plus_input"}) {
        if (const JsonValue* v = get(key); v != nullptr && !v->is_null()) {
          j.set(key, field_text(v));
        }
      }
      j.set("reference", std::string(input.target));
      j.set("program", code);
      j.set("min_time_limit", 1.0);
      j.set("time_factor", 4.0);
      job.wall_seconds = options_.timeout_seconds * kDifferentialWallFactor;
      job.rule = "differential tests against the reference solution";
      return job;
    }
    if (get("test") != nullptr && get("entry_point") != nullptr) {
      std::string entry = field_text(get("entry_point"));
      std::string program =
          assemble_function_solution(field_text(get("prompt")), code, entry, &job.rule);
      program += "\n\n" + field_text(get("test")) + "\n\ncheck(" + entry + ")\n";
      j.set("mode", "program");
      j.set("program", program);
      job.wall_seconds = options_.timeout_seconds;
      return job;
    }
    if (const JsonValue* tests = get("tests")) {
      JsonValue list = *tests;
      if (tests->is_string()) {
        Result<JsonValue> parsed = parse_json(tests->as_string());
        if (!parsed) {
          return make_error(ErrorKind::kInvalidInput,
                            "metadata 'tests' is not JSON: " + parsed.error().message);
        }
        list = std::move(parsed).value();
      }
      if (!list.is_array()) {
        return make_error(ErrorKind::kInvalidInput,
                          "metadata 'tests' must be a list of {\"input\", \"output\"}");
      }
      JsonValue cases = JsonValue::array();
      for (const auto& t : list.items()) {
        const JsonValue* in = t.find("input");
        const JsonValue* out = t.find("output");
        if (in == nullptr || out == nullptr) {
          return make_error(ErrorKind::kInvalidInput,
                            "metadata 'tests': every test needs \"input\" and \"output\"");
        }
        cases.push_back(
            JsonValue::object({{"input", field_text(in)}, {"output", field_text(out)}}));
      }
      size_t n = cases.items().size();
      j.set("mode", "stdio");
      j.set("program", code);
      j.set("tests", std::move(cases));
      j.set("test_timeout", options_.timeout_seconds);
      // LiveCodeBench's global limit: (timeout + 1) per test, plus 5 s.
      job.wall_seconds = (options_.timeout_seconds + 1) * static_cast<double>(n) + 5;
      job.rule = std::to_string(n) + " stdin/stdout tests";
      return job;
    }
    return make_error(ErrorKind::kInvalidInput,
                      "the sample has no tests: code_exec needs metadata 'test' + 'entry_point' "
                      "(function tests), 'base_input'/'plus_input' + 'entry_point' (differential "
                      "tests) or 'tests' (stdin/stdout)");
  }

  Outcome execute(const Job& job) const {
    SandboxLimits limits = options_.limits;
    limits.wall_seconds = job.wall_seconds;
    limits.cpu_seconds = static_cast<int>(std::ceil(job.wall_seconds));
    ExecutionRequest request;
    request.argv = language_.command;
    request.files = {{language_.driver_file, std::string(language_.driver_source)},
                     {"job.json", to_json(job.json)}};
    request.secret = random_secret();
    slots_.acquire();
    Result<ExecutionResult> r = (*sandbox_)->run(request, limits);  // never throws
    slots_.release();
    Outcome o;
    if (!r) {
      o.detail = "could not run the program: " + r.error().message;
      return o;
    }
    return judge(*r, request.secret, job.wall_seconds);
  }

  static Outcome judge(const ExecutionResult& r, const std::string& secret, double wall) {
    Outcome o;
    std::string err =
        r.stderr_text.empty() ? "" : "; stderr: " + tail(r.stderr_text, kStderrExcerpt);
    // The driver's report counts only with this execution's sentinel.
    std::string_view report = trim(r.result_text);
    if (size_t nl = report.rfind('\n'); nl != std::string_view::npos)
      report = report.substr(nl + 1);
    Result<JsonValue> parsed = report.empty()
                                   ? Result<JsonValue>(make_error(ErrorKind::kInvalidInput, ""))
                                   : parse_json(report);
    const JsonValue* sentinel = parsed ? parsed->find("sentinel") : nullptr;
    const JsonValue* groups = parsed ? parsed->find("groups") : nullptr;
    if (sentinel != nullptr && sentinel->is_string() && sentinel->as_string() == secret &&
        groups != nullptr && groups->is_object() && r.termination == Termination::kExited) {
      bool all = true;
      bool base = true;
      bool timeout = false;
      std::string detail;
      for (const auto& [name, g] : groups->members()) {
        const JsonValue* passed = g.find("passed");
        const JsonValue* total = g.find("total");
        const JsonValue* failure = g.find("failure");
        const JsonValue* timed_out = g.find("timed_out");
        bool ok = passed && total && passed->as_int() == total->as_int() &&
                  (failure == nullptr || field_text(failure).empty());
        detail += (detail.empty() ? "" : ", ") + name + " " +
                  std::to_string(passed ? passed->as_int() : 0) + "/" +
                  std::to_string(total ? total->as_int() : 0);
        if (!ok) {
          if (timed_out != nullptr && timed_out->as_bool()) timeout = true;
          detail += " (" + field_text(failure) + ")";
          all = false;
          if (name == "base") base = false;
        }
      }
      if (groups->find("base") == nullptr) base = all;
      Verdict fail = timeout ? Verdict::kTimeout : Verdict::kFailed;
      o.all = all ? Verdict::kPassed : fail;
      o.base = base ? Verdict::kPassed : fail;
      o.detail = (all ? "passed: " : "failed: ") + detail;
      return o;
    }
    Verdict v = Verdict::kFailed;
    switch (r.termination) {
      case Termination::kWallTimeout: {
        v = Verdict::kTimeout;
        std::string seconds;
        append_json_number(seconds, wall);
        o.detail = "timeout: killed after " + seconds + " s of wall time";
        break;
      }
      case Termination::kOutputLimit:
        o.detail = "failed: killed for writing more than the output limit";
        break;
      case Termination::kSignaled:
        v = signal_verdict(r.signal, &o.detail);
        break;
      case Termination::kExited: {
        int code = r.exit_code;
        if (code > 128) {
          v = signal_verdict(code - 128, &o.detail);  // bubblewrap: 128 + the child's signal
        } else if (code == 0) {
          o.detail = "failed: exited with code 0 before the tests finished (no sentinel)";
        } else {
          o.detail = "failed: exit code " + std::to_string(code);
        }
        break;
      }
    }
    o.detail += err;
    o.all = v;
    o.base = v;
    return o;
  }

  Result<std::shared_ptr<const Sandbox>> sandbox_;
  CodeExecOptions options_;
  const CodeLanguage& language_;
  Status ready_;
  mutable std::counting_semaphore<> slots_;  // sandboxes running at once
};

}  // namespace

std::unique_ptr<Scorer> make_code_exec_scorer(std::shared_ptr<const Sandbox> sandbox,
                                              const CodeExecOptions& options) {
  return std::make_unique<CodeExecScorer>(std::move(sandbox), options);
}

std::unique_ptr<Scorer> make_code_exec_scorer(const CodeExecOptions& options) {
  if (options.unsafe_no_sandbox) {
    return make_code_exec_scorer(std::shared_ptr<const Sandbox>(make_unsandboxed_runner()),
                                 options);
  }
  Result<std::unique_ptr<Sandbox>> sandbox = make_bubblewrap_sandbox();
  if (!sandbox) {
    return std::make_unique<CodeExecScorer>(Result<std::shared_ptr<const Sandbox>>(sandbox.error()),
                                            options);
  }
  return make_code_exec_scorer(std::shared_ptr<const Sandbox>(std::move(sandbox).value()), options);
}

}  // namespace assay
