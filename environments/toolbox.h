#pragma once
/// A sample's tools: the tools it offers the model and the context they act in. ToolBox::run
/// turns one ToolCall into what goes back to the model, catching what the model got wrong
/// (unknown tool names, arguments that are not a JSON object, missing or mistyped required
/// parameters) as tool errors the model sees. Not thread-safe: one sample's calls run in order.

#include <memory>
#include <string>
#include <vector>

#include "environments/tool.h"

namespace assay {

/// One sample's tools and their context.
class ToolBox {
 public:
  ToolBox(std::vector<std::shared_ptr<const Tool>> tools, std::unique_ptr<ToolContext> context);
  /// The tools as offered to the model, in declaration order.
  const std::shared_ptr<const std::vector<ToolSpec>>& specs() const { return specs_; }
  /// Runs `call`. The model's mistakes come back as outputs with is_error; an Error means the
  /// environment broke (kEnvironment).
  Result<ToolOutput> run(const ToolCall& call);
  ToolContext& context() { return *context_; }

 private:
  std::vector<std::shared_ptr<const Tool>> tools_;
  std::shared_ptr<const std::vector<ToolSpec>> specs_;
  std::unique_ptr<ToolContext> context_;
};

/// What starts a sample's ToolBox: the tools and settings a run's agent suite declares, shared
/// by its samples. Thread-safe (open() may run on any thread).
class ToolBoxFactory {
 public:
  ToolBoxFactory(std::vector<std::shared_ptr<const Tool>> tools, ToolSettings settings,
                 std::shared_ptr<const Sandbox> sandbox);
  /// A fresh ToolBox (its workspace opens on the first tool call that needs it).
  std::unique_ptr<ToolBox> open() const;
  /// The tools as offered to the model.
  const std::shared_ptr<const std::vector<ToolSpec>>& specs() const { return specs_; }
  const ToolSettings& settings() const { return settings_; }

 private:
  std::vector<std::shared_ptr<const Tool>> tools_;
  std::shared_ptr<const std::vector<ToolSpec>> specs_;
  ToolSettings settings_;
  std::shared_ptr<const Sandbox> sandbox_;
};

}  // namespace assay
