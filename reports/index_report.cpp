#include "reports/index_report.h"

#include <cmath>
#include <limits>
#include <map>

#include "reports/text_table.h"

namespace assay {

const char* index_member_status_name(IndexMemberStatus status) {
  switch (status) {
    case IndexMemberStatus::kOk:
      return "ok";
    case IndexMemberStatus::kNotRun:
      return "not run";
    case IndexMemberStatus::kNotShipped:
      return "not shipped";
    case IndexMemberStatus::kNoScores:
      return "no scores";
  }
  return "?";
}

namespace {

// A member run's priced cost, NaN when there is none.
double member_cost(const IndexMemberResult& m) {
  if (m.run == nullptr || !m.run->usage) return std::numeric_limits<double>::quiet_NaN();
  return m.run->usage->cost;
}

// Members whose run covered only part of its suite (an index over them is partial).
size_t partial_members(const IndexResult& r) {
  size_t n = 0;
  for (const auto& m : r.members) n += m.run != nullptr && is_partial(m.run->run) ? 1 : 0;
  return n;
}

}  // namespace

std::vector<IndexResult> compute_index(const IndexDefinition& index,
                                       const std::vector<const RunSummary*>& runs) {
  std::vector<std::string> models;
  std::map<std::string, std::map<std::string, const RunSummary*>> by_model;
  for (const RunSummary* r : runs) {
    bool member = false;
    for (const auto& m : index.members) member = member || m.suite == r->run.suite;
    if (!member) continue;
    if (!by_model.count(r->run.model_spec)) models.push_back(r->run.model_spec);
    by_model[r->run.model_spec][r->run.suite] = r;
  }
  std::vector<IndexResult> out;
  for (const auto& model : models) {
    IndexResult res;
    res.index = index.name;
    res.model = model;
    std::vector<IndexComponent> parts;
    bool complete = true;
    for (const auto& m : index.members) {
      IndexMemberResult mr;
      mr.member = m;
      auto it = by_model[model].find(m.suite);
      if (!m.shipped) {
        mr.status = IndexMemberStatus::kNotShipped;
      } else if (it == by_model[model].end()) {
        mr.status = IndexMemberStatus::kNotRun;
      } else if (it->second->primary.n_counted == 0) {
        mr.run = it->second;
        mr.status = IndexMemberStatus::kNoScores;
      } else {
        mr.run = it->second;
        mr.status = IndexMemberStatus::kOk;
        res.covered_weight += m.weight;
        parts.push_back({m.weight, mr.run->primary.mean, mr.run->primary.stderr_});
      }
      complete = complete && mr.status == IndexMemberStatus::kOk;
      res.members.push_back(std::move(mr));
    }
    if (!parts.empty()) res.covered_score = combine_index(parts);
    if (complete) res.score = res.covered_score;
    double cost = 0;
    bool priced = complete;
    for (const auto& m : res.members) {
      double c = member_cost(m);
      priced = priced && !std::isnan(c);
      if (priced) cost += c;
    }
    if (priced) res.cost_usd = cost;
    out.push_back(std::move(res));
  }
  return out;
}

void write_index_table(std::ostream& out, const std::vector<IndexResult>& results) {
  for (size_t i = 0; i < results.size(); ++i) {
    const IndexResult& r = results[i];
    if (i) out << "\n";
    out << "index " << r.index << " · " << r.model << "\n";
    TextTable t(
        {"suite", "group", "weight", "run", "samples", "score", "95% CI", "cost USD", "status"},
        {false, false, true, true, true, true, false, true, false});
    for (const auto& m : r.members) {
      bool ok = m.status == IndexMemberStatus::kOk;
      t.add_row({m.member.suite, m.member.group, format_fixed(m.member.weight, 4),
                 m.run ? std::to_string(m.run->run.id) : "-",
                 m.run ? format_coverage_cell(m.run->run.coverage, m.run->run.limit) : "-",
                 ok ? format_fixed(m.run->primary.mean, 3) : "-",
                 ok ? format_interval(m.run->primary.ci_low, m.run->primary.ci_high) : "-",
                 std::isnan(member_cost(m)) ? "-" : format_fixed(member_cost(m), 4),
                 index_member_status_name(m.status)});
    }
    t.write(out);
    if (r.score) {
      out << "index " << r.index << " = " << format_fixed(r.score->mean * 100, 1) << "  95% CI "
          << format_interval(r.score->ci_low, r.score->ci_high, 1, false, 100) << "  (SE "
          << format_fixed(r.score->se * 100, 2) << ", ×100)"
          << (partial_members(r) > 0 ? "  PARTIAL: " + std::to_string(partial_members(r)) +
                                           " member run(s) covered only part of their suite"
                                     : "")
          << "\n";
      if (r.cost_usd) {
        out << "cost to run index " << r.index << ": " << format_fixed(*r.cost_usd, 4)
            << " USD (list prices of every member run's tokens)\n";
      }
    } else {
      out << "index " << r.index << ": no value, members with scores cover "
          << format_fixed(r.covered_weight * 100, 1) << "% of the weight\n";
      if (r.covered_score) {
        out << "partial " << r.index << " over the members present ("
            << format_fixed(r.covered_weight * 100, 1)
            << "% of the weight, re-normalised) = " << format_fixed(r.covered_score->mean * 100, 1)
            << "  95% CI "
            << format_interval(r.covered_score->ci_low, r.covered_score->ci_high, 1, false, 100)
            << "  — not the index: the missing members could move it anywhere\n";
      }
      std::string missing;
      for (const auto& m : r.members) {
        if (m.status == IndexMemberStatus::kOk) continue;
        missing += "  " + m.member.suite + " (" + format_fixed(m.member.weight * 100, 2) +
                   "%): " + index_member_status_name(m.status) +
                   (m.member.missing_because.empty() ? "" : " — " + m.member.missing_because) +
                   "\n";
      }
      out << "missing:\n" << missing;
    }
  }
}

JsonValue index_results_json(const std::vector<IndexResult>& results) {
  JsonValue arr = JsonValue::array();
  for (const auto& r : results) {
    JsonValue members = JsonValue::array();
    for (const auto& m : r.members) {
      bool ok = m.status == IndexMemberStatus::kOk;
      JsonValue mj = JsonValue::object({{"suite", JsonValue(m.member.suite)},
                                        {"group", JsonValue(m.member.group)},
                                        {"weight", JsonValue(m.member.weight)},
                                        {"status", JsonValue(index_member_status_name(m.status))}});
      if (!m.member.missing_because.empty()) {
        mj.set("missing_because", JsonValue(m.member.missing_because));
      }
      mj.set("run", m.run ? JsonValue(m.run->run.id) : JsonValue());
      mj.set("score", ok ? JsonValue(m.run->primary.mean) : JsonValue());
      mj.set("stderr", ok ? JsonValue(m.run->primary.stderr_) : JsonValue());
      mj.set("coverage", m.run ? coverage_json(m.run->run.coverage) : JsonValue());
      mj.set("partial", m.run != nullptr && is_partial(m.run->run));
      double cost = member_cost(m);
      mj.set("cost_usd", std::isnan(cost) ? JsonValue() : JsonValue(cost));
      members.push_back(std::move(mj));
    }
    JsonValue o = JsonValue::object({{"index", JsonValue(r.index)},
                                     {"model", JsonValue(r.model)},
                                     {"covered_weight", JsonValue(r.covered_weight)},
                                     {"members", std::move(members)}});
    o.set("score", r.score ? JsonValue(r.score->mean) : JsonValue());
    o.set("partial", partial_members(r) > 0);
    o.set("cost_usd", r.cost_usd ? JsonValue(*r.cost_usd) : JsonValue());
    o.set("stderr", r.score ? JsonValue(r.score->se) : JsonValue());
    o.set("ci_low", r.score ? JsonValue(r.score->ci_low) : JsonValue());
    o.set("ci_high", r.score ? JsonValue(r.score->ci_high) : JsonValue());
    JsonValue covered;
    if (r.covered_score) {
      covered = JsonValue::object({{"score", JsonValue(r.covered_score->mean)},
                                   {"stderr", JsonValue(r.covered_score->se)},
                                   {"ci_low", JsonValue(r.covered_score->ci_low)},
                                   {"ci_high", JsonValue(r.covered_score->ci_high)}});
    }
    o.set("partial_index", std::move(covered));
    arr.push_back(std::move(o));
  }
  return arr;
}

}  // namespace assay
