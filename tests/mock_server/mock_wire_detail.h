#pragma once
/// Private to the mock server: the per-provider halves of mock_wire.h (one file per wire) and
/// the helpers they share. Pure functions; thread-safe.

#include <string>
#include <vector>

#include "tests/mock_server/mock_wire.h"

namespace assay::mock {

/// A member's text ("" when absent).
std::string text_at(const JsonValue* v);

/// A content that is a string or a list of blocks/parts: the `field` texts joined.
std::string joined_text(const JsonValue& content, const char* field);

/// One SSE block: optional "event:" line, the JSON as "data:", lines ended by `eol`.
std::string sse(const JsonValue& v, const char* event = nullptr, const char* eol = "\n");

/// The opaque signature the mock signs its reasoning with (Anthropic thinking blocks, Gemini
/// thought signatures); a request must send it back unchanged where the provider requires it.
inline constexpr char kMockSignature[] = "bW9jay1zaWduYXR1cmU=";

std::string parse_openai(const JsonValue& body, MockCall& out);
std::string openai_body(const MockCall& c, const MockAnswer& a);
std::vector<std::string> openai_stream(const MockCall& c, const MockAnswer& a);

std::string parse_anthropic(const JsonValue& body, MockCall& out);
std::string anthropic_body(const MockCall& c, const MockAnswer& a);
std::vector<std::string> anthropic_stream(const MockCall& c, const MockAnswer& a);

std::string parse_gemini(const std::string& path, const JsonValue& body, MockCall& out);
std::string gemini_body(const MockCall& c, const MockAnswer& a);
std::vector<std::string> gemini_stream(const MockCall& c, const MockAnswer& a);

}  // namespace assay::mock
