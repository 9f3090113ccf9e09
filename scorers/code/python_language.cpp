#include "scorers/code/code_language.h"

namespace assay {

const CodeLanguage& python_language() {
  static const CodeLanguage kPython{
      "python",
      {"python", "py", "python3"},
      {"/usr/bin/python3", "-I", "-B", "driver.py"},
      "driver.py",
#include "python_driver.inc"
  };
  return kPython;
}

}  // namespace assay
