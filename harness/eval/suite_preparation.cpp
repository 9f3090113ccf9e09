#include "harness/eval/suite_preparation.h"

#include <algorithm>

#include <ostream>

#include "environments/builtin.h"
#include "environments/mcp_tool.h"
#include "harness/core/strings.h"
#include "harness/eval/work_source.h"
#include "harness/sandbox/sandbox.h"
#include "scorers/builtin.h"
#include "suites/builtin.h"
#include "suites/dataset.h"
#include "suites/suite.h"

namespace assay {
namespace {

// Makes `spec`'s scorers into `p`: each must exist and be ready on this machine (the code
// sandbox); sets the primary metric and what the scorers record about how they grade.
Status add_scorers(const ScorerRegistry& registry, const SuiteSpec& spec, MathChecker checker,
                   PreparedSuite& p) {
  std::vector<std::string> metrics;
  // --math-checker judge|cascade: the equality checker scores math_equiv suites first (and is
  // their primary metric); math_equiv still scores beside it for the agreement.
  const bool checked =
      checker != MathChecker::kRules &&
      std::find(spec.scorers.begin(), spec.scorers.end(), kMathRulesMetric) != spec.scorers.end();
  if (checked) {
    p.scorers.push_back(make_math_judge_scorer(checker));
    p.checker = checker;
    p.needs_judge = true;
    p.scoring_env = p.scorers.back()->environment();
    for (const auto& m : p.scorers.back()->metrics()) metrics.push_back(m);
  }
  for (const auto& scorer_name : spec.scorers) {
    auto entry = registry.find(scorer_name);
    if (!entry) {
      return make_error(ErrorKind::kInvalidInput,
                        spec.origin + ": [scoring] " + entry.error().message);
    }
    p.scorers.push_back((*entry)->factory());
    if (Status ready = p.scorers.back()->ready(); !ready) {
      Error e = ready.error();
      e.message = "suite '" + spec.name + "', scorer '" + scorer_name + "': " + e.message;
      return e;
    }
    if (p.scorers.back()->needs_judge()) {
      p.judge_max_tokens = p.needs_judge
                               ? std::max(p.judge_max_tokens, p.scorers.back()->judge_max_tokens())
                               : p.scorers.back()->judge_max_tokens();
      p.needs_judge = true;
    }
    std::string env = p.scorers.back()->environment();
    if (!env.empty()) p.scoring_env += (p.scoring_env.empty() ? "" : "; ") + env;
    for (const auto& m : p.scorers.back()->metrics()) {
      metrics.push_back(m);
      Aggregation a = p.scorers.back()->aggregation();
      if (a != Aggregation::kMean) p.aggregations[m] = a;
    }
  }
  for (const auto& s : p.scorers) p.scorer_ptrs.push_back(s.get());
  p.primary_metric = checked || spec.primary_metric.empty() ? metrics.front() : spec.primary_metric;
  if (std::find(metrics.begin(), metrics.end(), p.primary_metric) == metrics.end()) {
    return make_error(ErrorKind::kInvalidInput, spec.origin + ": [scoring] primary metric '" +
                                                    p.primary_metric +
                                                    "' is not produced by its scorers" +
                                                    did_you_mean(p.primary_metric, metrics));
  }
  return Status::ok();
}

// Opens `spec`'s samples for `p` (the --limit or --sample, --repeats and --shard of the run): one
// validating pass that counts the pairs this process will run; the runs stream them again.
Status load_samples(const SuiteSpec& spec, const SuiteOptions& f, PreparedSuite& p) {
  SampleSelection selection;
  if (f.limit >= 0) selection.first = static_cast<size_t>(f.limit);
  if (f.sample > 0) selection.sample = static_cast<size_t>(f.sample);
  selection.seed = f.seed;
  Result<Shard> shard = parse_shard(f.shard);
  if (!shard) return shard.error();
  int repeats = f.repeats > 0 ? f.repeats : spec.repeats;
  Result<std::unique_ptr<SampleStream>> stream =
      SampleStream::open(spec, f.data_dir, selection, repeats, [&](const Sample& s) {
        if (!p.first) p.first = s;
        for (int e = 0; e < repeats; ++e) p.planned += in_shard(*shard, s.id, e) ? 1 : 0;
      });
  if (!stream) return stream.error();
  p.stream = std::move(stream).value();
  return Status::ok();
}

// How to start `server`.
McpServerConfig mcp_config(const McpServerSpec& server) {
  McpServerConfig c;
  c.name = server.name;
  c.argv = server.command;
  for (const auto& [k, v] : server.env) c.env.push_back(k + "=" + v);
  c.timeout_seconds = server.timeout;
  c.tools = server.tools;
  return c;
}

// Makes `spec`'s [agent] table into `p.agent`: its tools must exist and the workspace sandbox
// must work here (bubblewrap, or the host with --unsafe-no-sandbox).
Status add_agent(const SuiteSpec& spec, const SuiteOptions& f, PreparedSuite& p) {
  if (!spec.agent) return Status::ok();
  const AgentSuiteSpec& a = *spec.agent;
  std::vector<std::shared_ptr<const Tool>> tools;
  for (const std::string& name : a.tools) {
    Result<std::shared_ptr<const Tool>> tool = make_builtin_tool(name);
    if (!tool) {
      return make_error(ErrorKind::kInvalidInput,
                        spec.origin + ": [agent] tools: " + tool.error().message);
    }
    tools.push_back(std::move(tool).value());
  }
  std::vector<McpServerSpec> servers = a.mcp;
  for (const McpServerSpec& flag : f.mcp) {
    for (const McpServerSpec& s : servers) {
      if (s.name == flag.name) {
        return make_error(ErrorKind::kInvalidInput,
                          "--mcp " + flag.name + ": suite '" + spec.name +
                              "' already declares an MCP server of that name");
      }
    }
    servers.push_back(flag);
  }
  std::string mcp_description;
  for (const McpServerSpec& server : servers) {
    Result<std::vector<std::shared_ptr<const Tool>>> served =
        discover_mcp_tools(mcp_config(server));
    if (!served) {
      Error e = served.error();
      e.message = "suite '" + spec.name + "': " + e.message;
      return e;
    }
    for (auto& t : *served) tools.push_back(std::move(t));
    mcp_description += (mcp_description.empty() ? "MCP servers: " : ", ") + server.name + " (" +
                       std::to_string(served->size()) + " tools)";
  }
  // The model tells tools apart by name only.
  for (size_t i = 0; i < tools.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (tools[i]->spec().name == tools[j]->spec().name) {
        return make_error(ErrorKind::kInvalidInput,
                          spec.origin + ": [agent]: two tools are named '" + tools[i]->spec().name +
                              "' (an MCP server's tool and another tool); list the server's "
                              "tools to offer with its 'tools' key");
      }
    }
  }
  std::shared_ptr<const Sandbox> sandbox;
  if (f.unsafe_no_sandbox) {
    sandbox = make_unsandboxed_runner();
  } else {
    Result<std::unique_ptr<Sandbox>> bwrap = make_bubblewrap_sandbox();
    if (!bwrap) {
      Error e = bwrap.error();
      e.message = "suite '" + spec.name + "' runs agent tools: " + e.message;
      return e;
    }
    sandbox = std::move(bwrap).value();
  }
  ToolSettings settings;
  settings.timeout_seconds = a.tool_timeout;
  settings.output_cap = a.output_cap;
  settings.workspace.network = a.network;
  settings.workspace.workspace_bytes = a.workspace_bytes;
  settings.workspace.limits.address_space_bytes = a.memory_bytes;
  settings.workspace.limits.max_processes = a.max_processes;
  settings.workspace.limits.max_file_bytes = a.workspace_bytes;
  // CPU seconds per process: a limit against runaway loops, not the sample's budget
  // (time_limit is).
  settings.workspace.limits.cpu_seconds = 3600;
  auto setup = std::make_shared<AgentSetup>();
  setup->tools = std::make_shared<const ToolBoxFactory>(std::move(tools), settings, sandbox);
  setup->limits.max_turns = a.max_turns;
  setup->limits.max_tool_calls = a.max_tool_calls;
  setup->limits.token_limit = a.token_limit;
  setup->limits.cost_limit = a.cost_limit;
  setup->limits.time_limit = a.time_limit;
  p.agent = std::move(setup);
  std::string env = "agent workspace: " + sandbox->describe();
  if (!mcp_description.empty()) env += "; " + mcp_description;
  p.scoring_env += (p.scoring_env.empty() ? "" : "; ") + env;
  return Status::ok();
}

}  // namespace

MathChecker parse_math_checker(const std::string& name) {
  if (name == "judge") return MathChecker::kJudge;
  if (name == "cascade") return MathChecker::kCascade;
  return MathChecker::kRules;
}

Result<PreparedSuite> prepare_suite(const ScorerRegistry& scorers, const std::string& name,
                                    const SuiteOptions& f) {
  Result<SuiteSpec> spec = resolve_suite(name);
  if (!spec) return spec.error();
  PreparedSuite p;
  if (Status st = add_scorers(scorers, *spec, f.checker, p); !st) return st.error();
  if (Status st = add_agent(*spec, f, p); !st) return st.error();
  if (Status st = load_samples(*spec, f, p); !st) return st.error();
  return p;
}

Result<std::vector<PreparedSuite>> prepare_index_members(const ScorerRegistry& scorers,
                                                         const IndexDefinition& index,
                                                         const SuiteOptions& f,
                                                         std::ostream& warnings) {
  std::vector<PreparedSuite> out;
  for (const auto& m : index.members) {
    if (!m.shipped) {
      warnings << "assay: warning: index " << index.name << ": '" << m.suite
               << "' is not shipped by assay; it is reported missing\n";
      continue;
    }
    Result<SuiteSpec> spec = find_builtin_suite(m.suite);
    if (!spec) return spec.error();
    PreparedSuite p;
    p.index_member = true;
    Status usable = resolve_dataset_files(*spec, f.data_dir).status();
    if (usable) usable = add_scorers(scorers, *spec, f.checker, p);
    if (usable) usable = add_agent(*spec, f, p);
    if (!usable) {
      warnings << "assay: warning: index " << index.name << ": skipping '" << m.suite
               << "': " << usable.error().message << "\n";
      continue;
    }
    if (Status st = load_samples(*spec, f, p); !st) return st.error();
    for (const auto& w : p.stream->warnings()) warnings << "assay: warning: " << w << "\n";
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace assay
