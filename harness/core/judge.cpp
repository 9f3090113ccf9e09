#include "harness/core/judge.h"

#include "harness/core/strings.h"

namespace assay {

std::string strip_json_fence(std::string_view text) {
  std::string_view t = trim(text);
  size_t open = t.find("```");
  if (open == std::string_view::npos) return std::string(t);
  size_t start = open + 3;
  if (t.substr(start, 4) == "json") start += 4;
  size_t close = t.find("```", start);
  return std::string(trim(
      t.substr(start, close == std::string_view::npos ? std::string_view::npos : close - start)));
}

}  // namespace assay
