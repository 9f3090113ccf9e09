#include "scorers/math_expression.h"

#include <algorithm>
#include <array>

namespace assay {
namespace {

// Thrown inside the parser only; parse_math_expression turns it into nullopt.
struct ParseFailure {};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr std::array<std::string_view, 17> kFunctionNames = {
    "sin",  "cos",  "tan",  "sec", "csc", "cot", "arcsin", "arccos", "arctan",
    "sinh", "cosh", "tanh", "ln",  "log", "exp", "lg",     "sqrt"};

bool is_function_name(std::string_view name) {
  return std::find(kFunctionNames.begin(), kFunctionNames.end(), name) != kFunctionNames.end();
}

// Commands that begin a factor, so that "2\pi" or "3\sqrt{2}" multiply implicitly.
bool command_starts_factor(std::string_view cmd) {
  static constexpr std::array<std::string_view, 11> kFactorCommands = {
      "frac", "cfrac", "sqrt", "pi", "infty", "binom", "lfloor", "lceil", "begin", "lvert", "vert"};
  return is_function_name(cmd) ||
         std::find(kFactorCommands.begin(), kFactorCommands.end(), cmd) != kFactorCommands.end();
}

MathNode leaf(MathNodeKind kind, std::string name) {
  MathNode n;
  n.kind = kind;
  n.name = std::move(name);
  return n;
}

MathNode node(MathNodeKind kind, std::vector<MathNode> children, std::string name = {}) {
  MathNode n;
  n.kind = kind;
  n.name = std::move(name);
  n.children = std::move(children);
  return n;
}

MathNode unary(MathNodeKind kind, MathNode child, std::string name = {}) {
  std::vector<MathNode> c;
  c.push_back(std::move(child));
  return node(kind, std::move(c), std::move(name));
}

MathNode binary(MathNodeKind kind, MathNode a, MathNode b, std::string name = {}) {
  std::vector<MathNode> c;
  c.push_back(std::move(a));
  c.push_back(std::move(b));
  return node(kind, std::move(c), std::move(name));
}

MathNode collapse(MathNodeKind kind, std::vector<MathNode> items) {
  if (items.size() == 1) return std::move(items.front());
  return node(kind, std::move(items));
}

bool is_integer_literal(const MathNode& n) {
  return n.kind == MathNodeKind::kNumber && n.name.find('.') == std::string::npos;
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  MathNode parse() {
    MathNode n = collapse(MathNodeKind::kList, parse_items());
    skip_ws();
    if (pos_ != s_.size()) fail();
    return n;
  }

 private:
  [[noreturn]] static void fail() { throw ParseFailure{}; }

  class DepthGuard {
   public:
    explicit DepthGuard(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxParseDepth) fail();
    }
    ~DepthGuard() { --p_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Parser& p_;
  };

  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  char peek_char() {
    skip_ws();
    return pos_ < s_.size() ? s_[pos_] : '\0';
  }
  char char_after(size_t offset) const {
    return pos_ + offset < s_.size() ? s_[pos_ + offset] : '\0';
  }
  // The name of a letter command ("\frac" → "frac") at the cursor, else "".
  std::string_view peek_command() {
    skip_ws();
    if (pos_ >= s_.size() || s_[pos_] != '\\') return {};
    size_t j = pos_ + 1;
    while (j < s_.size() && is_letter(s_[j])) ++j;
    return s_.substr(pos_ + 1, j - pos_ - 1);
  }
  bool accept_command(std::string_view name) {
    if (peek_command() != name) return false;
    pos_ += 1 + name.size();
    return true;
  }
  bool accept_char(char c) {
    if (peek_char() != c) return false;
    ++pos_;
    return true;
  }
  bool accept_text(std::string_view t) {
    skip_ws();
    if (s_.substr(pos_, t.size()) != t) return false;
    pos_ += t.size();
    return true;
  }
  void expect_char(char c) {
    if (!accept_char(c)) fail();
  }

  std::vector<MathNode> parse_items() {
    DepthGuard guard(*this);
    std::vector<MathNode> items;
    items.push_back(parse_union());
    while (accept_char(',')) items.push_back(parse_union());
    return items;
  }

  MathNode parse_union() {
    MathNode first = parse_relation();
    if (peek_command() != "cup") return first;
    std::vector<MathNode> parts;
    parts.push_back(std::move(first));
    while (accept_command("cup")) parts.push_back(parse_relation());
    return node(MathNodeKind::kUnion, std::move(parts));
  }

  char accept_relation_op() {
    char c = peek_char();
    if (c == '=') {
      ++pos_;
      return '=';
    }
    if (c == '<' || c == '>') {
      ++pos_;
      if (accept_char('=')) return c == '<' ? 'l' : 'g';
      return c;
    }
    if (c == '!' && char_after(1) == '=') {
      pos_ += 2;
      return 'n';
    }
    std::string_view cmd = peek_command();
    char op = 0;
    if (cmd == "le" || cmd == "leq" || cmd == "leqslant") op = 'l';
    if (cmd == "ge" || cmd == "geq" || cmd == "geqslant") op = 'g';
    if (cmd == "ne" || cmd == "neq") op = 'n';
    if (cmd == "lt") op = '<';
    if (cmd == "gt") op = '>';
    if (op != 0) pos_ += 1 + cmd.size();
    return op;
  }

  MathNode parse_relation() {
    std::vector<MathNode> sides;
    sides.push_back(parse_sum());
    std::string ops;
    while (char op = accept_relation_op()) {
      ops += op;
      sides.push_back(parse_sum());
    }
    if (sides.size() == 1) return std::move(sides.front());
    return node(MathNodeKind::kRelation, std::move(sides), ops);
  }

  MathNode parse_sum() {
    DepthGuard guard(*this);
    std::vector<MathNode> terms;
    terms.push_back(parse_product());
    for (;;) {
      char c = peek_char();
      if (c == '+') {
        ++pos_;
        terms.push_back(parse_product());
      } else if (c == '-') {
        ++pos_;
        terms.push_back(unary(MathNodeKind::kNegate, parse_product()));
      } else if (accept_command("pm") || accept_command("mp")) {
        MathNode left = collapse(MathNodeKind::kSum, std::move(terms));
        terms.clear();
        terms.push_back(binary(MathNodeKind::kPlusMinus, std::move(left), parse_product()));
      } else {
        break;
      }
    }
    return collapse(MathNodeKind::kSum, std::move(terms));
  }

  bool starts_implicit_factor(bool allow_functions) {
    char c = peek_char();
    if (is_letter(c)) {
      if (allow_functions) return true;
      size_t j = pos_;
      while (j < s_.size() && is_letter(s_[j])) ++j;
      return !is_function_name(s_.substr(pos_, j - pos_));
    }
    if (c == '(' || c == '{') return true;
    if (c == '\\') {
      std::string_view cmd = peek_command();
      if (!allow_functions && is_function_name(cmd)) return false;
      return command_starts_factor(cmd);
    }
    // A digit after a factor ("2 3") is not read as a product: too often a typo or a separator.
    return false;
  }

  MathNode parse_product() {
    DepthGuard guard(*this);
    if (accept_command("pm") || accept_command("mp")) {
      return binary(MathNodeKind::kPlusMinus, leaf(MathNodeKind::kNumber, "0"), parse_product());
    }
    std::vector<MathNode> factors;
    factors.push_back(parse_unary());
    for (;;) {
      char c = peek_char();
      if (c == '*' && char_after(1) != '*') {
        ++pos_;
        factors.push_back(parse_unary());
      } else if (c == '/' || accept_command("div")) {
        if (c == '/') ++pos_;
        MathNode numerator = collapse(MathNodeKind::kProduct, std::move(factors));
        factors.clear();
        factors.push_back(binary(MathNodeKind::kQuotient, std::move(numerator), parse_unary()));
      } else if (accept_command("cdot") || accept_command("times") || accept_command("ast")) {
        factors.push_back(parse_unary());
      } else if (starts_implicit_factor(true)) {
        factors.push_back(parse_power());
      } else {
        break;
      }
    }
    return collapse(MathNodeKind::kProduct, std::move(factors));
  }

  MathNode parse_unary() {
    DepthGuard guard(*this);
    if (accept_char('-')) return unary(MathNodeKind::kNegate, parse_unary());
    if (accept_char('+')) return parse_unary();
    return parse_power();
  }

  MathNode parse_power() {
    DepthGuard guard(*this);
    MathNode base = parse_postfix();
    if (accept_char('^') || accept_text("**")) {
      return binary(MathNodeKind::kPower, std::move(base), parse_exponent());
    }
    return base;
  }

  MathNode parse_exponent() {
    DepthGuard guard(*this);
    if (accept_char('-')) return unary(MathNodeKind::kNegate, parse_exponent());
    if (accept_char('+')) return parse_exponent();
    MathNode e = parse_postfix();
    if (accept_char('^')) return binary(MathNodeKind::kPower, std::move(e), parse_exponent());
    return e;
  }

  MathNode parse_postfix() {
    MathNode n = parse_primary();
    while (peek_char() == '!' && char_after(1) != '=') {
      ++pos_;
      n = unary(MathNodeKind::kFactorial, std::move(n));
    }
    return n;
  }

  MathNode parse_primary() {
    DepthGuard guard(*this);
    char c = peek_char();
    if (c == '\0') fail();
    if (is_digit(c) || (c == '.' && is_digit(char_after(1)))) return parse_number();
    if (c == '(' || c == '[') return parse_bracketed();
    if (c == '{') {
      ++pos_;
      std::vector<MathNode> items = parse_items();
      expect_char('}');
      return items.size() == 1 ? std::move(items.front())
                               : node(MathNodeKind::kSet, std::move(items));
    }
    if (c == '|') {
      ++pos_;
      MathNode inner = parse_sum();
      expect_char('|');
      return unary(MathNodeKind::kFunction, std::move(inner), "abs");
    }
    if (is_letter(c)) return parse_word();
    if (c == '\\') {
      if (accept_text("\\{")) {
        if (accept_text("\\}")) return node(MathNodeKind::kSet, {});
        std::vector<MathNode> items = parse_items();
        if (!accept_text("\\}")) fail();
        return node(MathNodeKind::kSet, std::move(items));
      }
      std::string_view cmd = peek_command();
      if (cmd.empty()) fail();
      pos_ += 1 + cmd.size();
      return parse_command(cmd);
    }
    fail();
  }

  // An integer, a decimal, or a mixed number "1\frac{1}{10}" or "1 \frac{1}{10}" (an integer
  // followed by a fraction of integers, as MATH writes them; never meant as a product).
  MathNode parse_number() {
    size_t start = pos_;
    while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '.' && is_digit(char_after(1))) {
      ++pos_;
      while (pos_ < s_.size() && is_digit(s_[pos_])) ++pos_;
    }
    MathNode n = leaf(MathNodeKind::kNumber, std::string(s_.substr(start, pos_ - start)));
    size_t saved = pos_;
    if (is_integer_literal(n) && accept_command("frac")) {
      MathNode numerator = parse_argument();
      MathNode denominator = parse_argument();
      if (is_integer_literal(numerator) && is_integer_literal(denominator)) {
        return binary(
            MathNodeKind::kSum, std::move(n),
            binary(MathNodeKind::kQuotient, std::move(numerator), std::move(denominator)));
      }
      pos_ = saved;
    }
    return n;
  }

  MathNode parse_bracketed() {
    char open = s_[pos_++];
    std::vector<MathNode> items = parse_items();
    char close = peek_char();
    if (close != ')' && close != ']') fail();
    ++pos_;
    if (items.size() == 1 && (open == '(') == (close == ')')) return std::move(items.front());
    MathNode n = node(MathNodeKind::kBracketed, std::move(items));
    n.open = open;
    n.close = close;
    return n;
  }

  // The argument of \frac, \sqrt, \binom: a braced group, or one digit, letter or command.
  MathNode parse_argument() {
    DepthGuard guard(*this);
    char c = peek_char();
    if (c == '{') {
      ++pos_;
      MathNode inner = collapse(MathNodeKind::kList, parse_items());
      expect_char('}');
      return inner;
    }
    if (is_digit(c)) {
      ++pos_;
      return leaf(MathNodeKind::kNumber, std::string(1, c));
    }
    if (is_letter(c)) {
      ++pos_;
      return variable(c);
    }
    if (c == '\\') return parse_primary();
    fail();
  }

  MathNode variable(char letter) {
    if (letter == 'e') return leaf(MathNodeKind::kConstant, "e");
    if (letter == 'i') return leaf(MathNodeKind::kConstant, "i");
    std::string name(1, letter);
    if (pos_ < s_.size() && s_[pos_] == '_') {
      ++pos_;
      if (pos_ < s_.size() && s_[pos_] == '{') {
        size_t close = s_.find('}', pos_);
        if (close == std::string_view::npos) fail();
        name += "_" + std::string(s_.substr(pos_ + 1, close - pos_ - 1));
        pos_ = close + 1;
      } else if (pos_ < s_.size()) {
        name += "_" + std::string(1, s_[pos_++]);
      } else {
        fail();
      }
    }
    return leaf(MathNodeKind::kVariable, name);
  }

  // A run of letters: a function or constant name, else one or two single-letter variables
  // ("xy" is x·y). Longer runs are words, and a formula with words is compared as text.
  MathNode parse_word() {
    size_t end = pos_;
    while (end < s_.size() && is_letter(s_[end])) ++end;
    std::string_view word = s_.substr(pos_, end - pos_);
    if (is_function_name(word)) {
      pos_ = end;
      return parse_function(std::string(word));
    }
    if (word == "pi") {
      pos_ = end;
      return leaf(MathNodeKind::kConstant, "pi");
    }
    if (word == "inf" || word == "infty" || word == "infinity") {
      pos_ = end;
      return leaf(MathNodeKind::kConstant, "inf");
    }
    if (word.size() > 2) fail();
    return variable(s_[pos_++]);
  }

  MathNode parse_function(const std::string& name) {
    if (name == "sqrt") {
      MathNode radicand = peek_char() == '(' ? parse_primary() : parse_argument();
      return unary(MathNodeKind::kFunction, std::move(radicand), "sqrt");
    }
    std::optional<MathNode> power;
    if (accept_char('^')) power = parse_exponent();
    std::optional<MathNode> base;
    if (name == "log" && accept_char('_')) base = parse_argument();
    MathNode argument;
    if (peek_char() == '(') {
      argument = parse_primary();
    } else {
      std::vector<MathNode> factors;
      factors.push_back(parse_power());
      while (starts_implicit_factor(false)) factors.push_back(parse_power());
      argument = collapse(MathNodeKind::kProduct, std::move(factors));
    }
    MathNode f = unary(MathNodeKind::kFunction, std::move(argument), name);
    if (base) f.children.push_back(std::move(*base));
    if (!power) return f;
    // \sin^{-1} x is arcsin x.
    bool inverse = power->kind == MathNodeKind::kNegate && power->children[0].name == "1" &&
                   (name == "sin" || name == "cos" || name == "tan");
    if (inverse) {
      f.name = "arc" + name;
      return f;
    }
    return binary(MathNodeKind::kPower, std::move(f), std::move(*power));
  }

  MathNode parse_command(std::string_view cmd) {
    if (cmd == "frac" || cmd == "cfrac") {
      MathNode numerator = parse_argument();
      MathNode denominator = parse_argument();
      return binary(MathNodeKind::kQuotient, std::move(numerator), std::move(denominator));
    }
    if (cmd == "sqrt") {
      if (accept_char('[')) {
        MathNode index = parse_sum();
        expect_char(']');
        MathNode radicand = parse_argument();
        return binary(MathNodeKind::kFunction, std::move(radicand), std::move(index), "root");
      }
      return unary(MathNodeKind::kFunction, parse_argument(), "sqrt");
    }
    if (cmd == "binom") {
      MathNode n = parse_argument();
      MathNode k = parse_argument();
      return binary(MathNodeKind::kFunction, std::move(n), std::move(k), "binom");
    }
    if (cmd == "pi") return leaf(MathNodeKind::kConstant, "pi");
    if (cmd == "infty" || cmd == "infin") return leaf(MathNodeKind::kConstant, "inf");
    if (cmd == "emptyset" || cmd == "varnothing") return node(MathNodeKind::kSet, {});
    if (is_function_name(cmd)) return parse_function(std::string(cmd));
    if (cmd == "lfloor" || cmd == "lceil") {
      MathNode inner = parse_sum();
      if (!accept_command(cmd == "lfloor" ? "rfloor" : "rceil")) fail();
      return unary(MathNodeKind::kFunction, std::move(inner), cmd == "lfloor" ? "floor" : "ceil");
    }
    if (cmd == "lvert" || cmd == "vert") {
      MathNode inner = parse_sum();
      if (!accept_command(cmd == "lvert" ? "rvert" : "vert")) fail();
      return unary(MathNodeKind::kFunction, std::move(inner), "abs");
    }
    if (cmd == "begin") return parse_matrix();
    fail();
  }

  MathNode parse_matrix() {
    expect_char('{');
    size_t close = s_.find('}', pos_);
    if (close == std::string_view::npos) fail();
    std::string env(s_.substr(pos_, close - pos_));
    if (env != "pmatrix" && env != "bmatrix" && env != "matrix" && env != "Bmatrix") fail();
    pos_ = close + 1;
    const std::string end_tag = "\\end{" + env + "}";
    std::vector<std::vector<MathNode>> rows(1);
    for (;;) {
      if (accept_text(end_tag)) break;
      rows.back().push_back(parse_sum());
      if (accept_char('&')) continue;
      if (accept_text("\\\\")) {
        if (accept_text(end_tag)) break;
        rows.emplace_back();
        continue;
      }
      if (accept_text(end_tag)) break;
      fail();
    }
    size_t cols = rows.front().size();
    if (cols == 0) fail();
    MathNode m;
    m.kind = MathNodeKind::kMatrix;
    for (auto& row : rows) {
      if (row.size() != cols) fail();
      for (auto& cell : row) m.children.push_back(std::move(cell));
    }
    m.rows = static_cast<int>(rows.size());
    m.cols = static_cast<int>(cols);
    return m;
  }

  std::string_view s_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

std::optional<MathNode> parse_math_expression(std::string_view normalized) {
  if (normalized.empty() || normalized.size() > kMaxParsedAnswer) return std::nullopt;
  try {
    return Parser(normalized).parse();
  } catch (const ParseFailure&) {
    return std::nullopt;
  }
}

std::string to_string(const MathNode& n) {
  auto joined = [&](std::string_view sep) {
    std::string out;
    for (size_t k = 0; k < n.children.size(); ++k) {
      if (k > 0) out += sep;
      out += to_string(n.children[k]);
    }
    return out;
  };
  switch (n.kind) {
    case MathNodeKind::kNumber:
    case MathNodeKind::kVariable:
    case MathNodeKind::kConstant:
      return n.name;
    case MathNodeKind::kSum:
      return "(" + joined("+") + ")";
    case MathNodeKind::kProduct:
      return "(" + joined("*") + ")";
    case MathNodeKind::kNegate:
      return "(-" + to_string(n.children[0]) + ")";
    case MathNodeKind::kQuotient:
      return "(" + joined("/") + ")";
    case MathNodeKind::kPower:
      return "(" + joined("^") + ")";
    case MathNodeKind::kFunction:
      return n.name + "(" + joined(",") + ")";
    case MathNodeKind::kFactorial:
      return "(" + to_string(n.children[0]) + "!)";
    case MathNodeKind::kPlusMinus:
      return "(" + joined("±") + ")";
    case MathNodeKind::kBracketed:
      return std::string(1, n.open) + joined(",") + std::string(1, n.close);
    case MathNodeKind::kSet:
      return "{" + joined(",") + "}";
    case MathNodeKind::kList:
      return joined(", ");
    case MathNodeKind::kRelation: {
      std::string out = to_string(n.children[0]);
      for (size_t k = 1; k < n.children.size(); ++k) {
        out += " " + std::string(1, n.name[k - 1]) + " " + to_string(n.children[k]);
      }
      return out;
    }
    case MathNodeKind::kMatrix:
      return "matrix" + std::to_string(n.rows) + "x" + std::to_string(n.cols) + "[" + joined(",") +
             "]";
    case MathNodeKind::kUnion:
      return joined(" ∪ ");
  }
  return "?";
}

}  // namespace assay
