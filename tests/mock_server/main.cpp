// mock_model_server: the project's own model server (OpenAI, Anthropic and Gemini wire formats)
// for tests, the demo and benchmarks. Prints the bound port on stdout's first line. Loopback only
// by design.

#include <CLI/CLI.hpp>

#include <csignal>
#include <fstream>
#include <iostream>

#include "harness/core/strings.h"
#include "tests/mock_server/event_server.h"
#include "tests/mock_server/mock_model.h"

namespace {
assay::mock::EventServer* g_server = nullptr;
extern "C" void on_signal(int) {
  if (g_server) g_server->stop();
}
}  // namespace

int main(int argc, char** argv) {
  assay::mock::MockOptions o;
  std::string host = "127.0.0.1";
  int port = 0;
  std::string port_file;
  std::string answer_key;
  std::string models;
  std::vector<std::string> slow;
  CLI::App app{
      "Mock model server (loopback only) speaking the OpenAI, Anthropic and Gemini wire formats, "
      "with fault injection."};
  app.add_option("--host", host, "Listen address; must be a loopback address")
      ->capture_default_str();
  app.add_option("--port", port, "Port (0 = pick a free one)")->capture_default_str();
  app.add_option("--port-file", port_file, "Also write the port to this file");
  app.add_option("--latency-ms", o.latency_ms, "Delay before each response / first chunk");
  app.add_option("--chunk-delay-ms", o.chunk_delay_ms, "Delay between stream chunks");
  app.add_option("--seed", o.seed, "Seed for faults and answers");
  app.add_option("--accuracy", o.accuracy, "Probability of a correct answer (default 1)");
  app.add_option("--fail-500", o.fail_500, "Rate of HTTP 500 responses");
  app.add_option("--fail-429", o.fail_429, "Rate of HTTP 429 responses");
  app.add_option("--retry-after", o.retry_after_s, "Retry-After seconds on 429");
  app.add_option("--truncate", o.truncate, "Rate of bodies cut short (then close)");
  app.add_option("--malformed", o.malformed, "Rate of 200 responses with a non-JSON body");
  app.add_option("--hang", o.hang, "Rate of requests never answered");
  app.add_option("--reset", o.reset, "Rate of connections reset mid-body");
  app.add_option("--require-key", o.require_key, "Answer 401 unless this bearer key is sent");
  app.add_option("--models", models, "Comma-separated model names; others get 404");
  app.add_option("--answer-key", answer_key, "JSONL {contains, answer} lines");
  app.add_option("--checkpoint", o.checkpoint,
                 "What GET /v1/models reports as the loaded weights (vLLM's root); change it "
                 "between runs to play a server that now serves a new checkpoint")
      ->capture_default_str();
  app.add_option("--context", o.context,
                 "Context window in tokens (prompt bytes / 4 + max_tokens): longer requests get "
                 "vLLM's 400 'maximum context length'");
  app.add_flag("--context-in-models", o.context_in_models,
               "GET /v1/models reports --context as max_model_len, as vLLM does");
  app.add_flag("--echo-key", o.echo_key, "Quote the received key in 401 bodies (leak tests)");
  app.add_flag("--track-prompts", o.track_prompts, "Count requests per prompt in /counters");
  app.add_option("--slow-when", slow,
                 "TEXT=MS: requests whose prompt contains TEXT answer after MS ms (repeatable)");
  CLI11_PARSE(app, argc, argv);
  if (host != "127.0.0.1" && host != "::1" && host.rfind("127.", 0) != 0) {
    std::cerr << "mock_model_server: refusing to listen on non-loopback address " << host << "\n";
    return 2;
  }
  if (!models.empty()) o.models = assay::split(models, ',');
  for (const std::string& rule : slow) {
    size_t eq = rule.rfind('=');
    if (eq == std::string::npos) {
      std::cerr << "mock_model_server: --slow-when '" << rule << "': expected TEXT=MS\n";
      return 2;
    }
    o.slow_when.emplace_back(rule.substr(0, eq), std::stod(rule.substr(eq + 1)));
  }
  try {
    if (!answer_key.empty()) o.answer_key = assay::mock::load_answer_key(answer_key);
    assay::mock::MockModel model(o);
    assay::mock::EventServer server(
        host, port, [&model](const assay::mock::HttpRequestIn& r) { return model.handle(r); });
    g_server = &server;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    std::cout << server.port() << std::endl;
    if (!port_file.empty()) {
      std::ofstream(port_file + ".tmp") << server.port() << "\n";
      std::rename((port_file + ".tmp").c_str(), port_file.c_str());
    }
    server.run();
  } catch (const std::exception& e) {
    std::cerr << "mock_model_server: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
