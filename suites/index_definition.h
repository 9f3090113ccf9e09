#pragma once
/// Index definitions: a weighted set of suites whose scores combine into one number with a
/// propagated CI. Built-in definitions are data in index_definition.cpp; weights of an index sum
/// to 1 and include members assay does not ship, so a missing member is reported, never
/// silently re-weighted away.

#include <string>
#include <vector>

#include "harness/result.h"

namespace assay {

/// One weighted member of an index.
struct IndexMember {
  std::string suite;    ///< built-in suite name (or the benchmark's name when not shipped)
  double weight = 0;    ///< share of the index, in [0, 1]
  std::string group;    ///< the category it belongs to (domain, or the index's own grouping)
  bool shipped = true;  ///< false when assay has no suite for it (always reported missing)
};

/// A named index.
struct IndexDefinition {
  std::string name;
  std::string description;
  std::string reference;  ///< where the weights come from
  std::vector<IndexMember> members;
};

/// The built-in indexes (assay-core, aa-v2), in display order.
const std::vector<IndexDefinition>& builtin_indexes();

/// The index called `name` ("assay-core" or "index:assay-core"); kNotFound suggests the nearest.
Result<const IndexDefinition*> find_index(const std::string& name);

/// True for "index:NAME" suite arguments.
bool is_index_reference(const std::string& suite_argument);

}  // namespace assay
