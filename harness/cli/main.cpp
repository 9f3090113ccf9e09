#include "harness/cli/app.h"

int main(int argc, char** argv) {
  return assay::cli::run_cli(argc, argv);
}
