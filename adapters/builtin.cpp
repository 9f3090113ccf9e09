#include "adapters/builtin.h"

#include <fstream>
#include <sstream>

#include "adapters/anthropic_messages_adapter.h"
#include "adapters/baseline_adapters.h"
#include "adapters/exec_adapter.h"
#include "adapters/gemini_adapter.h"
#include "adapters/openai_chat_adapter.h"
#include "adapters/replay_adapter.h"

namespace assay {

namespace {

Result<std::string> read_plain_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::kNotFound, "cannot open " + path);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

void register_builtin_adapters(AdapterRegistry& registry, const AdapterSettings& settings) {
  registry.add("openai",
               "OpenAI-compatible chat completions (OpenAI, vLLM, llama.cpp, Ollama, SGLang, "
               "LM Studio)",
               make_openai_chat_adapter);
  registry.add("anthropic", "Anthropic Messages API (thinking budgets, prompt-cache usage)",
               make_anthropic_messages_adapter);
  registry.add("gemini", "Google Gemini generateContent (thinkingConfig, safety blocks)",
               make_gemini_adapter);
  registry.add("exec",
               "a local program as the model: exec:CMD (prompt on stdin, answer on stdout), "
               "?mode=server for one long-running JSON-lines process",
               make_exec_adapter);
  ReplayFileReader read = settings.read_file ? settings.read_file : read_plain_file;
  registry.add("replay",
               "outputs produced elsewhere, re-scored: replay:FILE (JSONL or a JSON list, "
               "archive.zip#member), ?id=TEMPLATE&output=FIELD",
               [read](const ModelSpec& spec) { return make_replay_adapter(spec, read); });
  registry.add("oracle", "baseline: the gold answer in the suite's answer format (no server)",
               make_oracle_adapter);
  registry.add("random", "baseline: a uniformly random valid answer, ?seed=N (no server)",
               make_random_adapter);
}

Result<std::unique_ptr<ModelAdapter>> make_adapter(const AdapterRegistry& registry,
                                                   const std::string& spec_text) {
  // The baselines need no model name: "oracle" means "oracle:oracle".
  std::string text = spec_text;
  if (text == "oracle" || text == "random" || text.rfind("random?", 0) == 0) {
    size_t q = text.find('?');
    std::string provider = text.substr(0, q);
    text = provider + ":" + provider + (q == std::string::npos ? "" : text.substr(q));
  }
  Result<ModelSpec> spec = parse_model_spec(text);
  if (!spec) return spec.error();
  auto entry = registry.find(spec->provider);
  if (!entry) {
    Error e = entry.error();
    e.kind = ErrorKind::kInvalidInput;
    e.message = "model SPEC '" + spec->text + "': " + e.message;
    return e;
  }
  return (*entry)->factory(*spec);
}

}  // namespace assay
