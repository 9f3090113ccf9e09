#include "adapters/builtin.h"

#include "adapters/baseline_adapters.h"
#include "adapters/openai_chat_adapter.h"

namespace assay {

void register_builtin_adapters(AdapterRegistry& registry) {
  registry.add("openai", "OpenAI-compatible chat completions (OpenAI, vLLM, llama.cpp, Ollama)",
               make_openai_chat_adapter);
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
