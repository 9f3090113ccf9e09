// Compiled only by the test that proves the build refuses it (target assay_include_probe).
#include "tests/module_graph/results_includes_eval.h"
