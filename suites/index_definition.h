#pragma once
/// The built-in index definitions (data in index_definition.cpp) and their lookup.

#include <string>
#include <vector>

#include "harness/core/index_types.h"
#include "harness/core/result.h"

namespace assay {

/// The built-in indexes (assay-core, aa-v2), in display order.
const std::vector<IndexDefinition>& builtin_indexes();

/// The index called `name` ("assay-core" or "index:assay-core"); kNotFound suggests the nearest.
Result<const IndexDefinition*> find_index(const std::string& name);

/// True for "index:NAME" suite arguments.
bool is_index_reference(const std::string& suite_argument);

}  // namespace assay
