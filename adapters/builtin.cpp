#include "adapters/builtin.h"

#include "adapters/openai_chat_adapter.h"

namespace assay {

void register_builtin_adapters(AdapterRegistry& registry) {
  registry.add("openai", "OpenAI-compatible chat completions (OpenAI, vLLM, llama.cpp, Ollama)",
               make_openai_chat_adapter);
}

Result<std::unique_ptr<ModelAdapter>> make_adapter(const AdapterRegistry& registry,
                                                   const std::string& spec_text) {
  Result<ModelSpec> spec = parse_model_spec(spec_text);
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
