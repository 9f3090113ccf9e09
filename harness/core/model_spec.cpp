#include "harness/core/model_spec.h"

#include "harness/core/strings.h"

namespace assay {

std::string strip_credentials(std::string_view url) {
  size_t scheme = url.find("://");
  size_t host_start = scheme == std::string_view::npos ? 0 : scheme + 3;
  size_t path = url.find('/', host_start);
  std::string_view authority = url.substr(
      host_start, path == std::string_view::npos ? std::string_view::npos : path - host_start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, host_start));
  out += authority.substr(at + 1);
  if (path != std::string_view::npos) out += url.substr(path);
  return out;
}

std::string ModelSpec::display_name() const {
  std::string out = provider + ":" + model;
  std::string q;
  for (const auto& [k, v] : params) {
    // Streaming changes what is measured (TTFT, speed): shown when off.
    if (k == "api_key_env" || (k == "stream" && streams())) continue;
    q += (q.empty() ? "?" : "&") + k + "=" + v;
  }
  return out + q;
}

bool ModelSpec::streams() const {
  auto it = params.find("stream");
  return it == params.end() || (it->second != "false" && it->second != "0");
}

Result<ModelSpec> parse_model_spec(std::string_view text) {
  ModelSpec spec;
  std::string_view rest = trim(text);
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return make_error(ErrorKind::kInvalidInput,
                      "model SPEC '" + std::string(text) +
                          "': expected PROVIDER:MODEL[@BASE_URL][?key=value&...], e.g. "
                          "openai:gpt-4o-mini");
  }
  spec.provider = to_lower(rest.substr(0, colon));
  rest = rest.substr(colon + 1);
  size_t q = rest.find('?');
  std::string_view query;
  if (q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  // The base URL starts at the first '@' followed by a scheme, so model names may contain '@'.
  size_t at = rest.find("@http");
  if (at == std::string_view::npos) at = rest.find("@unix:");
  if (at == std::string_view::npos) {
    // "m@htp://host": a URL with a scheme assay cannot speak, not part of the model name.
    size_t scheme = rest.find("://");
    size_t start = scheme == std::string_view::npos ? scheme : rest.rfind('@', scheme);
    if (start != std::string_view::npos) {
      return make_error(ErrorKind::kInvalidInput,
                        "model SPEC '" + std::string(text) + "': the base URL '" +
                            std::string(rest.substr(start + 1)) +
                            "' must start with http://, https:// or unix:");
    }
  }
  if (at != std::string_view::npos) {
    spec.base_url = std::string(rest.substr(at + 1));
    while (!spec.base_url.empty() && spec.base_url.back() == '/') spec.base_url.pop_back();
    rest = rest.substr(0, at);
    if (spec.base_url.rfind("http://", 0) != 0 && spec.base_url.rfind("https://", 0) != 0 &&
        spec.base_url.rfind("unix:", 0) != 0) {
      return make_error(ErrorKind::kInvalidInput,
                        "model SPEC '" + std::string(text) + "': the base URL '" + spec.base_url +
                            "' must start with http://, https:// or unix:");
    }
    size_t host = spec.base_url.find("://");
    if (host != std::string::npos &&
        (host + 3 >= spec.base_url.size() || spec.base_url[host + 3] == '/')) {
      return make_error(ErrorKind::kInvalidInput, "model SPEC '" + std::string(text) +
                                                      "': the base URL '" + spec.base_url +
                                                      "' has no host");
    }
  }
  spec.model = std::string(rest);
  if (spec.model.empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      "model SPEC '" + std::string(text) + "': the model name is empty");
  }
  if (!query.empty()) {
    for (const auto& pair : split(query, '&')) {
      if (pair.empty()) continue;
      size_t eq = pair.find('=');
      if (eq == std::string::npos || eq == 0) {
        return make_error(
            ErrorKind::kInvalidInput,
            "model SPEC '" + std::string(text) + "': parameter '" + pair + "' is not key=value");
      }
      spec.params[url_decode(pair.substr(0, eq))] = url_decode(pair.substr(eq + 1));
    }
  }
  spec.text = spec.provider + ":" + spec.model;
  if (!spec.base_url.empty()) spec.text += "@" + strip_credentials(spec.base_url);
  if (!query.empty()) spec.text += "?" + std::string(query);
  return spec;
}

}  // namespace assay
