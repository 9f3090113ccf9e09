// Self-consistency: how K scored answers become one sample's scores and stored completion.

#include <catch2/catch.hpp>

#include "harness/core/model_call.h"
#include "harness/core/scorer.h"
#include "harness/core/sha256.h"
#include "harness/eval/majority_vote.h"

using namespace assay;

namespace {

Score scored(const std::string& metric, const std::string& answer, double value) {
  Score s;
  s.metric = metric;
  s.answer = answer;
  s.value = value;
  s.explanation = "compared '" + answer + "'";
  return s;
}

VoteRecord answered(int vote, const std::string& text, std::vector<Score> scores,
                    int64_t tokens_out = 10, double latency_ms = 100, double cost = 0.5) {
  VoteRecord v;
  v.vote = vote;
  v.completion.text = text;
  v.completion.finish_reason = "stop";
  v.completion.usage.input_tokens = 20;
  v.completion.usage.output_tokens = tokens_out;
  v.completion.latency_ms = latency_ms;
  v.completion.cost_usd = cost;
  v.completion.attempts = 1;
  v.scores = std::move(scores);
  return v;
}

VoteRecord failed(int vote, ErrorKind kind, const std::string& message) {
  VoteRecord v;
  v.vote = vote;
  v.error = make_error(kind, message);
  v.completion.attempts = 3;
  v.scores = {unscored("choice", "error:" + std::string(error_kind_name(kind)), message)};
  return v;
}

}  // namespace

TEST_CASE("the majority answer scores the sample, and tokens, cost and attempts cover every vote",
          "[vote]") {
  SampleRecord rec;
  std::vector<VoteRecord> votes = {
      answered(0, "I say C", {scored("choice", "C", 0)}, 10, 100, 0.5),
      answered(1, "I say B", {scored("choice", "B", 1)}, 30, 400, 0.25),
      answered(2, "so B", {scored("choice", "B", 1)}, 5, 50, 0.25),
      failed(3, ErrorKind::kTimeout, "timed out"),
      answered(4, "no idea", {unscored("choice", "no_answer", "nothing matched")})};
  combine_votes(rec, votes, "choice");
  REQUIRE_FALSE(rec.error);
  REQUIRE(rec.scores.size() == 1);
  const Score& s = rec.scores[0];
  REQUIRE(s.value == 1.0);
  REQUIRE(s.answer == "B");
  REQUIRE(s.explanation.find("majority 2 of 5 votes ('C' x1, 'B' x2; unscored: error:timeout "
                             "x1, no_answer x1); vote 1: compared 'B'") == 0);
  // The stored output is the first vote that gave the majority answer.
  REQUIRE(rec.completion.text == "I say B");
  REQUIRE(rec.completion.usage.output_tokens == 10 + 30 + 5 + 10);  // the failed vote has none
  REQUIRE(rec.completion.usage.input_tokens == 4 * 20);
  REQUIRE(rec.completion.usage.reasoning_tokens == -1);  // no vote reported any
  REQUIRE(rec.completion.cost_usd == Approx(0.5 + 0.25 + 0.25 + 0.5));
  REQUIRE(rec.completion.latency_ms == 400);  // the votes ran in parallel: the slowest one
  REQUIRE(rec.completion.attempts == 1 + 1 + 1 + 3 + 1);
  REQUIRE_FALSE(rec.completion.from_cache);
}

TEST_CASE("a tied vote goes to the answer that came first", "[vote]") {
  SampleRecord rec;
  std::vector<VoteRecord> votes = {
      answered(0, "x", {scored("choice", "D", 0)}), answered(1, "y", {scored("choice", "A", 1)}),
      answered(2, "z", {scored("choice", "A", 1)}), answered(3, "w", {scored("choice", "D", 0)})};
  combine_votes(rec, votes, "choice");
  REQUIRE(rec.scores[0].answer == "D");
  REQUIRE(rec.scores[0].value == 0.0);
  REQUIRE(rec.completion.text == "x");
}

TEST_CASE("metrics vote independently and the primary one picks the stored output", "[vote]") {
  SampleRecord rec;
  std::vector<VoteRecord> votes = {
      answered(0, "a", {scored("strict", "1", 1), scored("loose", "7", 0)}),
      answered(1, "b", {unscored("strict", "no_answer", ""), scored("loose", "8", 0)}),
      answered(2, "c", {unscored("strict", "no_answer", ""), scored("loose", "8", 0)})};
  combine_votes(rec, votes, "loose");
  REQUIRE(rec.scores.size() == 2);
  REQUIRE(rec.scores[0].metric == "strict");
  REQUIRE(rec.scores[0].value == 1.0);  // one vote scored; the abstentions do not outvote it
  REQUIRE(rec.scores[1].metric == "loose");
  REQUIRE(rec.scores[1].answer == "8");
  REQUIRE(rec.completion.text == "b");
}

TEST_CASE("when every vote abstains the metric is unscored with the commonest reason", "[vote]") {
  SampleRecord rec;
  std::vector<VoteRecord> votes = {answered(0, "a", {unscored("choice", "truncated", "")}),
                                   answered(1, "b", {unscored("choice", "no_answer", "")}),
                                   answered(2, "c", {unscored("choice", "no_answer", "")})};
  combine_votes(rec, votes, "choice");
  REQUIRE_FALSE(rec.scores[0].value);
  REQUIRE(rec.scores[0].unscored_reason == "no_answer");
  REQUIRE(rec.scores[0].explanation == "no vote was scored of 3 votes: truncated x1, no_answer x2");
  REQUIRE(rec.completion.text == "a");  // no majority: the first answered vote
  REQUIRE_FALSE(rec.error);
}

TEST_CASE("a sample whose votes all failed is stored with the first vote's error", "[vote]") {
  SampleRecord rec;
  std::vector<VoteRecord> votes = {failed(0, ErrorKind::kServerError, "HTTP 500"),
                                   failed(1, ErrorKind::kTimeout, "slow")};
  combine_votes(rec, votes, "choice");
  REQUIRE(rec.error);
  REQUIRE(rec.error->kind == ErrorKind::kServerError);
  REQUIRE(rec.completion.attempts == 6);
  REQUIRE(rec.scores[0].unscored_reason == "error:server_error");
}

TEST_CASE("draw keys: draw 0 is the plain request, the others differ and are stable", "[vote]") {
  REQUIRE(draw_request_key("abc", 0) == "abc");
  REQUIRE(draw_request_key("abc", 1) == draw_request_key("abc", 1));
  REQUIRE(draw_request_key("abc", 1) != draw_request_key("abc", 2));
  REQUIRE(draw_request_key("abc", 1) != draw_request_key("abd", 1));
  REQUIRE(draw_request_key("abc", 1).size() == 64);
  // The first release's vote keys: stored votes stay reusable.
  REQUIRE(draw_request_key("abc", 1) == sha256_hex(std::string("abc\0vote\0", 9) + "1"));
}
