#pragma once
/// Small string helpers shared by every module. All functions are pure and thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace assay {

/// `s` without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view s);
/// Lower-cased ASCII copy.
std::string to_lower(std::string_view s);
/// Splits on `sep`; keeps empty pieces.
std::vector<std::string> split(std::string_view s, char sep);
/// Replaces every occurrence of `from` (non-empty) with `to`.
std::string replace_all(std::string_view s, std::string_view from, std::string_view to);
/// Edit distance (insert, delete, substitute), for "did you mean" suggestions.
size_t edit_distance(std::string_view a, std::string_view b);
/// The candidate closest to `name` when it is plausibly a typo of it, else "".
std::string nearest_name(std::string_view name, const std::vector<std::string>& candidates);
/// " (did you mean 'X'?)" or "" : appended to not-found messages.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);
/// Lower-case hex of bytes.
std::string to_hex(std::string_view bytes);
/// Percent-decodes a URL query component ('+' is a space).
std::string url_decode(std::string_view s);
/// Shortens `s` to at most `max_bytes` (on a UTF-8 boundary) adding "…" when cut.
std::string truncate_for_display(std::string_view s, size_t max_bytes);

/// Whether `s` is well-formed UTF-8 without NUL bytes (lead and continuation bytes; overlong
/// forms are not checked): text a prompt or a stored answer can hold.
bool is_utf8_text(std::string_view s);

/// `s` with every control byte (C0 and DEL; line breaks and tabs too unless
/// `keep_line_breaks`) replaced by '?': hostile text (tool output, a server's stdout) made
/// safe for a terminal or a one-line message.
std::string without_control_bytes(std::string_view s, bool keep_line_breaks);

/// Natural order: digit runs compare as numbers, so "q/2" < "q/10". Ties fall back to plain
/// byte order, so the order is total.
bool natural_less(std::string_view a, std::string_view b);

/// The current UTC time as ISO 8601 ("2026-11-22T19:46:42Z").
std::string utc_now_iso();

}  // namespace assay
