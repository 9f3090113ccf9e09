#pragma once
/// Parsing a math answer (LaTeX or plain text, after math_normalize) into an expression tree:
/// numbers, variables, π e i ∞, + − × ÷ ^ !, fractions, roots, functions, absolute values, ±,
/// tuples and intervals, sets, comma lists, relations, unions and matrices. Pure; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace assay {

/// What a MathNode is.
enum class MathNodeKind {
  kNumber,     ///< name: the literal ("12", "0.25")
  kVariable,   ///< name: "x", "x_1"
  kConstant,   ///< name: "pi", "e", "i" or "inf"
  kSum,        ///< children added
  kProduct,    ///< children multiplied
  kNegate,     ///< one child
  kQuotient,   ///< numerator, denominator
  kPower,      ///< base, exponent
  kFunction,   ///< name: "sin", "log", "root", "binom", ...; the arguments
  kFactorial,  ///< one child
  kPlusMinus,  ///< a ± b (a is 0 for a unary ±)
  kBracketed,  ///< open, close: "(" "]"...; the items of a tuple or interval
  kSet,        ///< \{...\}: unordered items
  kList,       ///< a top-level comma list: unordered items
  kRelation,   ///< name: one op per gap ('=', '<', '>', 'l' ≤, 'g' ≥, 'n' ≠); the sides
  kMatrix,     ///< rows × cols children, row-major
  kUnion,      ///< \cup of its children
};

/// One node of an answer's expression tree; owns its children.
struct MathNode {
  MathNodeKind kind = MathNodeKind::kNumber;
  std::string name;
  char open = 0;   ///< kBracketed only
  char close = 0;  ///< kBracketed only
  int rows = 0;    ///< kMatrix only
  int cols = 0;    ///< kMatrix only
  std::vector<MathNode> children;
};

/// The longest answer, in bytes, that is parsed; longer ones are compared as strings.
inline constexpr size_t kMaxParsedAnswer = 4096;
/// The deepest recursion the parser follows before giving up (about 35 nested brackets).
inline constexpr int kMaxParseDepth = 256;

/// The tree of a normalised answer, or nullopt when it is not a formula this grammar reads
/// (free text, unknown commands, unbalanced brackets, too long or too deep).
std::optional<MathNode> parse_math_expression(std::string_view normalized);

/// A compact, fully parenthesised rendering, for explanations and tests: "(x+(2*y))".
std::string to_string(const MathNode& node);

}  // namespace assay
