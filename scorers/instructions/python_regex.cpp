#include "scorers/instructions/python_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cstdio>
#include <cstdlib>

namespace assay {

struct PythonRegex::Code {
  pcre2_code* code = nullptr;
  Code() = default;
  Code(const Code&) = delete;
  Code& operator=(const Code&) = delete;
  ~Code() { pcre2_code_free(code); }
};

Result<PythonRegex> PythonRegex::compile(std::string_view pattern, unsigned flags) {
  // UCP: \w, \d, \s, \b and POSIX classes use Unicode properties, as Python's str patterns do.
  uint32_t options = PCRE2_UTF | PCRE2_UCP;
  if ((flags & kIgnoreCase) != 0) options |= PCRE2_CASELESS;
  if ((flags & kMultiline) != 0) options |= PCRE2_MULTILINE;
  pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
  // Python's '.' and '$' know only '\n' as a line end.
  pcre2_set_newline(context, PCRE2_NEWLINE_LF);
  int error = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   options, &error, &offset, context);
  pcre2_compile_context_free(context);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof message);
    return make_error(ErrorKind::kInvalidInput,
                      "invalid regular expression '" + std::string(pattern) + "' at offset " +
                          std::to_string(offset) + ": " + reinterpret_cast<const char*>(message));
  }
  auto holder = std::make_shared<Code>();
  holder->code = code;
  return PythonRegex(std::move(holder));
}

PythonRegex PythonRegex::fixed(std::string_view pattern, unsigned flags) {
  Result<PythonRegex> r = compile(pattern, flags);
  if (!r) {
    std::fprintf(stderr, "assay: internal pattern: %s\n", r.error().message.c_str());
    std::abort();
  }
  // A fixed pattern is compiled once and matched on every answer: worth the JIT (matching falls
  // back to the interpreter where the platform has none). Patterns from data are not.
  (void)pcre2_jit_compile(r->code_->code, PCRE2_JIT_COMPLETE);
  return *r;
}

std::pair<size_t, size_t> PythonRegex::find(std::string_view text, size_t from, bool anchored,
                                            MatchData& data) const {
  if (data.data == nullptr) data.data = pcre2_match_data_create_from_pattern(code_->code, nullptr);
  int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), from,
                       anchored ? PCRE2_ANCHORED : 0, data.data, nullptr);
  if (rc <= 0) return {std::string_view::npos, std::string_view::npos};
  PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data.data);
  return {ov[0], ov[1]};
}

PythonRegex::MatchData::~MatchData() {
  pcre2_match_data_free(data);
}

namespace {

// The byte length of the UTF-8 character starting at text[i] (1 for a stray byte).
size_t char_length(std::string_view text, size_t i) {
  auto c = static_cast<unsigned char>(text[i]);
  size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  return std::min(n, text.size() - i);
}

}  // namespace

bool PythonRegex::search(std::string_view text) const {
  MatchData data;
  return find(text, 0, false, data).first != std::string_view::npos;
}

bool PythonRegex::match_start(std::string_view text) const {
  MatchData data;
  return find(text, 0, true, data).first != std::string_view::npos;
}

void PythonRegex::each_match(std::string_view text,
                             const std::function<void(size_t, size_t)>& fn) const {
  MatchData data;
  size_t from = 0;
  while (from <= text.size()) {
    auto [b, e] = find(text, from, false, data);
    if (b == std::string_view::npos) break;
    fn(b, e);
    // After an empty match the next search starts one character on, as Python's does.
    from = e > b ? e : (e < text.size() ? e + char_length(text, e) : text.size() + 1);
  }
}

std::vector<std::string_view> PythonRegex::find_all(std::string_view text) const {
  std::vector<std::string_view> out;
  each_match(text, [&](size_t b, size_t e) { out.push_back(text.substr(b, e - b)); });
  return out;
}

std::vector<std::string_view> PythonRegex::split(std::string_view text) const {
  std::vector<std::string_view> out;
  size_t piece = 0;
  each_match(text, [&](size_t b, size_t e) {
    out.push_back(text.substr(piece, b - piece));
    piece = e;
  });
  out.push_back(text.substr(piece));
  return out;
}

std::string regex_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool plain = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                 u == '_' || u >= 0x80;
    if (!plain) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace assay
