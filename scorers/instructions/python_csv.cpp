#include "scorers/instructions/python_csv.h"

namespace assay {

std::vector<std::vector<std::string>> read_python_csv(std::string_view text, char delimiter) {
  // The states of CPython's Modules/_csv.c parser that the excel dialect reaches.
  enum class State { kStartRecord, kStartField, kInField, kInQuoted, kQuoteInQuoted, kEatNewline };
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> fields;
  std::string field;
  State state = State::kStartRecord;
  auto save_field = [&] {
    fields.push_back(field);
    field.clear();
  };
  auto end_record = [&] {
    rows.push_back(fields);
    fields.clear();
    state = State::kStartRecord;
  };
  size_t line_start = 0;
  while (line_start < text.size()) {
    // io.StringIO yields lines ending at '\n' (kept); the parser then sees an end of line.
    size_t nl = text.find('\n', line_start);
    size_t line_end = nl == std::string_view::npos ? text.size() : nl + 1;
    for (size_t i = line_start; i < line_end; ++i) {
      char c = text[i];
      const bool newline = c == '\n' || c == '\r';
      switch (state) {
        case State::kStartRecord:
          if (newline) {
            state = State::kEatNewline;
            break;
          }
          state = State::kStartField;
          [[fallthrough]];
        case State::kStartField:
          if (newline) {
            save_field();
            state = State::kEatNewline;
          } else if (c == '"') {
            state = State::kInQuoted;
          } else if (c == delimiter) {
            save_field();
          } else {
            field += c;
            state = State::kInField;
          }
          break;
        case State::kInField:
          if (newline) {
            save_field();
            state = State::kEatNewline;
          } else if (c == delimiter) {
            save_field();
            state = State::kStartField;
          } else {
            field += c;
          }
          break;
        case State::kInQuoted:
          if (c == '"') {
            state = State::kQuoteInQuoted;
          } else {
            field += c;
          }
          break;
        case State::kQuoteInQuoted:
          if (c == '"') {
            field += '"';
            state = State::kInQuoted;
          } else if (c == delimiter) {
            save_field();
            state = State::kStartField;
          } else if (newline) {
            save_field();
            state = State::kEatNewline;
          } else {
            field += c;
            state = State::kInField;
          }
          break;
        case State::kEatNewline:
          // Text after a '\r' inside a line: Python raises "new-line character seen in
          // unquoted field"; here the record ends and the rest starts the next one.
          if (!newline) {
            end_record();
            --i;
          }
          break;
      }
    }
    // End of the line: a record ends unless a quoted field goes on.
    if (state == State::kInField || state == State::kStartField || state == State::kQuoteInQuoted) {
      save_field();
      end_record();
    } else if (state == State::kStartRecord || state == State::kEatNewline) {
      end_record();
    }
    line_start = line_end;
  }
  if (state == State::kInQuoted) {
    save_field();
    end_record();
  }
  return rows;
}

}  // namespace assay
