#include "scorers/builtin.h"

#include "scorers/choice_scorer.h"
#include "scorers/equality_judge_scorer.h"
#include "scorers/exact_scorer.h"
#include "scorers/gsm8k_scorer.h"
#include "scorers/healthbench_scorer.h"
#include "scorers/hle_judge_scorer.h"
#include "scorers/instructions/instruction_following_scorer.h"
#include "scorers/math_scorers.h"
#include "scorers/mmlu_pro_tiger_scorer.h"
#include "scorers/omniscience_judge_scorer.h"
#include "scorers/workspace_check_scorer.h"

namespace assay {

void register_builtin_scorers(ScorerRegistry& registry, const ScorerSettings& settings) {
  registry.add("exact", "normalised exact match of the whole output", make_exact_scorer);
  registry.add("choice", "multiple-choice letter, Artificial Analysis regex list",
               make_choice_scorer);
  registry.add(
      "mmlu_pro_tiger",
      "MMLU-Pro letter as TIGER-Lab's scripts grade it: 'answer is (X)', 'Answer: X', last "
      "standalone letter, else their seeded random pick",
      make_mmlu_pro_tiger_scorer);
  registry.add("mmlu_pro_tiger_v0",
               "MMLU-Pro letter as TIGER-Lab's initial release graded it: 'answer is (X)' then "
               "'Answer: X'; nothing else",
               make_mmlu_pro_tiger_v0_scorer);
  registry.add("gsm8k", "GSM8K numeric answer: flexible last number and strict '####'",
               make_gsm8k_scorer);
  registry.add("math_equiv",
               "math answer equivalence: last \\boxed{}/Answer: line; exact and numeric comparison",
               make_math_equiv_scorer);
  registry.add("math_equiv_hendrycks",
               "math answer, Hendrycks MATH is_equiv string normalisation (reference-compatible)",
               make_math_equiv_hendrycks_scorer);
  registry.add("healthbench",
               "HealthBench rubric: each criterion graded by the judge model (--judge); met "
               "points / positive points, per tag too",
               make_healthbench_scorer);
  registry.add("hle_judge",
               "free-form answer, HLE's way: the judge model (--judge) extracts the final answer "
               "from the response and says whether it matches the target",
               make_hle_judge_scorer);
  registry.add("equality_judge",
               "free-form answer, Artificial Analysis' equality checker (AA-LCR): the judge "
               "model (--judge) says whether the answer is consistent with the target",
               make_equality_judge_scorer);
  registry.add("omniscience_judge",
               "knowledge with abstention, AA-Omniscience's way: the judge (--judge) grades "
               "correct +1, not attempted 0, incorrect or partial -1; accuracy and hallucination "
               "rate (wrong / (wrong + abstained)) too",
               make_omniscience_judge_scorer);
  registry.add("workspace_check",
               "agent tasks: the sample's check command, run in its workspace after the final "
               "answer, exits 0",
               make_workspace_check_scorer);
  registry.add("ifeval",
               "IFEval's 25 verifiable instructions (metadata instruction_id_list, kwargs): "
               "prompt- and instruction-level accuracy, strict and loose, per instruction type",
               [] {
                 return make_instruction_following_scorer(
                     {"ifeval", &ifeval_instructions(), /*loose_primary=*/false});
               });
  registry.add("ifbench",
               "IFBench's 58 instruction types (and IFEval's): prompt-level loose accuracy "
               "(the headline), strict, instruction level, per instruction type",
               [] {
                 return make_instruction_following_scorer(
                     {"ifbench", &ifbench_instructions(), /*loose_primary=*/true});
               });
  registry.add("code_exec",
               "run the answer's code against the sample's tests in a bubblewrap sandbox "
               "(HumanEval, EvalPlus, stdin/stdout); pass/fail by a per-run sentinel",
               [&settings] { return make_code_exec_scorer(settings.code_exec); });
}

}  // namespace assay
