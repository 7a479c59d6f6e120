// The checked-in skip list (tests/cel/skip-list.txt) and the automatic
// detection of CEL features our types do not have.
//
// Each line of skip-list.txt is `pattern<TAB>reason`:
//   - `feature:NAME` names a detector below (e.g. feature:uint matches every
//     case whose expression has a `1u` literal, calls uint(), or expects a
//     uint64 value). Every detector that fires must have its line, so each
//     skip has a written reason;
//   - anything else is a glob (fnmatch) over "section/suite/name".
// Blank lines and lines starting with '#' are comments.
#pragma once

#include <string>
#include <vector>

#include "tests/cel/cel_case.h"

namespace play::cel {

struct SkipRule {
  std::string pattern, reason;
  int line = 0;
  int hits = 0;
};

class SkipList {
 public:
  bool load(const std::string& path, std::string& error);
  // The rule that skips `c` (globs first, then detected features plus
  // `more_features` found by the caller, e.g. in the parsed tree), or null.
  // `missing` receives a detected feature that has no line in the list.
  SkipRule* match(const Case& c, const std::vector<std::string>& more_features, std::string& missing);
  // The `feature:NAME` rule, or null.
  SkipRule* feature(const std::string& name);
  const std::vector<SkipRule>& rules() const { return rules_; }

 private:
  std::vector<SkipRule> rules_;
};

// Names of the features of `c` that our types do not have (see the
// detectors in skip_list.cpp), in a fixed order.
std::vector<std::string> detect_features(const Case& c);

}  // namespace play::cel
