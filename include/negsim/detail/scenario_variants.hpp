// The scenario file's variants: `--set` overrides applied to the tree, and
// `base:` files merged under it (src/scenario_variants.cpp). Internal to
// the loader (scenario_yaml.hpp).
#pragma once

#include <string>
#include <vector>

#include "negsim/detail/yaml_tree.hpp"
#include "negsim/scenario_yaml.hpp"

namespace negsim::detail {

/// The names of the distribution kinds, as written in YAML.
inline const std::vector<std::string> kDistributionKinds{"uniform", "normal", "beta", "triangular",
                                                         "choice"};

/// An override's path split at its dots. Throws UsageError for an empty segment.
std::vector<std::string> split_path(const Override& o);

/// Applies one override to the tree. A path that cannot be followed is
/// reported in `problems` and the override skipped, so the rest still gets
/// validated. A lone number or distribution set on a block of `blocks` that
/// has a shorthand sets that field and keeps the block's others.
void apply_override(YNode& root, const Override& o, const ParseLimits& limits,
                    const std::vector<ExtensionBlock>& blocks, std::vector<Diagnostic>& problems);

/// Resolves `base:` (recursively), returning the merged tree. `chain` holds
/// the files on the way, to refuse a circle; `blocks` as for apply_override.
YNode resolve_base(YNode root, const std::string& path, std::vector<std::string>& chain,
                   const ParseLimits& limits, const std::vector<ExtensionBlock>& blocks);

}  // namespace negsim::detail
