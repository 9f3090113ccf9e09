#pragma once
/// A language the code_exec scorer can run: how to recognise its code blocks and how to start
/// its test driver. A driver reads job.json in its working directory (the JSON job protocol in
/// docs/code-execution.md), the secret on fd 3, and reports on fd 4. Adding a language is one
/// more file defining a CodeLanguage and its driver.

#include <string>
#include <string_view>
#include <vector>

namespace assay {

/// One language's runtime. Plain data; the built-in instances live for the whole program.
struct CodeLanguage {
  std::string name;                     ///< e.g. "python"
  std::vector<std::string> fence_tags;  ///< code-block info strings that mark this language
  std::vector<std::string> command;     ///< argv running the driver; argv[0] absolute
  std::string driver_file;              ///< the driver's file name in the working directory
  std::string_view driver_source;       ///< the driver program
};

/// Python 3 (Debian's /usr/bin/python3, isolated mode, no bytecode files).
const CodeLanguage& python_language();

}  // namespace assay
